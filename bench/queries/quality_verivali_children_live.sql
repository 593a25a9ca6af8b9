-- Active families not verified (verivali) for more than $bulan months at the end of the period, per child
-- region inside a region: kode, keluarga_aktif, verivali_lewat. Reads family rows, pruned by the kode_prov
-- partition and by the kode_desa range (files are sorted by kode_desa).
-- $periode: 'YYYY-MM'; $akhir: the period's last day (date); $bulan: months (integer);
-- $kode: the region's code ('' for the nation); $panjang: the length of a child's code (2, 4, 6 or 10).
with families as (
    select
        left(kode_desa, $panjang) as kode,
        date_diff('month', tanggal_verivali, $akhir::date) as bulan_verivali
    from keluarga_all
    where periode = $periode
        and ($kode = '' or kode_prov = left($kode, 2))
        and kode_desa >= $kode and kode_desa < $kode || ':'
        and status_aktif
),

final as (
    select
        kode,
        count(*) as keluarga_aktif,
        count(*) filter (bulan_verivali > $bulan) as verivali_lewat
    from families
    group by kode
)

select * from final
order by kode
