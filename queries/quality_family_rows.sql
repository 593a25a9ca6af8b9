-- The active families of a region caught by one data-quality check, for officials who may see persons (the
-- page audits every view): kode_desa, id_keluarga, no_kk, nama_kepala_keluarga, alamat, rt, rw, jumlah_art,
-- desil, sumber_data, tanggal_verivali, bulan_sejak_verivali, keterangan, jumlah_total (all matches; at most
-- $batas rows are returned). The same definitions as the rollup and quality_verivali_children:
--   desil_kosong   an active family without a desil;
--   verivali_lewat an active family not verified for more than $bulan months at the end of the period.
-- $periode: 'YYYY-MM'; $akhir: the period's last day (date); $kode: the region's code ('' for the nation);
-- $cek: one of the checks above; $bulan: months (integer); $batas: the most rows to return (integer).
with families as (
    select
        kode_desa, id_keluarga, no_kk, nama_kepala_keluarga, alamat, rt, rw, jumlah_art, desil, sumber_data,
        tanggal_verivali,
        date_diff('month', tanggal_verivali, $akhir::date) as bulan_sejak_verivali
    from keluarga_all
    where periode = $periode
        and ($kode = '' or kode_prov = left($kode, 2))
        and kode_desa >= $kode and kode_desa < $kode || ':'
        and status_aktif
),

final as (
    select
        *,
        case $cek
            when 'desil_kosong' then 'desil belum ada'
            when 'verivali_lewat' then
                'verivali terakhir ' || bulan_sejak_verivali || ' bulan lalu'
        end as keterangan,
        count(*) over () as jumlah_total
    from families
    where case $cek
        when 'desil_kosong' then desil is null
        when 'verivali_lewat' then bulan_sejak_verivali > $bulan
        else false
    end
)

select * from final
order by kode_desa, nama_kepala_keluarga, id_keluarga
limit $batas
