-- Approved proposals to add a family (usulan 'tambah', musdes 'disetujui') of $dari that no family of the $ke
-- snapshot comes from ("usulan hilang"), inside a region: kode_desa, nama_desa, id_usulan, id_musdes,
-- tanggal_usulan, nama_kepala_keluarga, jumlah_art, kategori, jumlah_total (all missing; at most $batas rows).
-- The head's name was published at the musdes; the page still audits every view.
-- $dari, $ke: periods 'YYYY-MM'; $kode: the region's code ('' for the nation, or one desa);
-- $batas: the most rows to return (integer).
with proposals as (
    select kode_desa, id_usulan, id_musdes, tanggal_usulan, nama_kepala_keluarga, jumlah_art, kategori
    from usulan_all
    where periode = $dari
        and ($kode = '' or kode_prov = left($kode, 2))
        and kode_desa >= $kode and kode_desa < $kode || ':'
        and jenis = 'tambah'
        and keputusan_musdes = 'disetujui'
),

arrived as (
    select id_usulan_asal as id_usulan
    from keluarga_all
    where periode = $ke
        and ($kode = '' or kode_prov = left($kode, 2))
        and id_usulan_asal in (select id_usulan from proposals)
),

final as (
    select
        p.kode_desa,
        coalesce(d.nama_desa, p.kode_desa) as nama_desa,
        p.id_usulan, p.id_musdes, p.tanggal_usulan, p.nama_kepala_keluarga, p.jumlah_art, p.kategori,
        count(*) over () as jumlah_total
    from proposals as p
    anti join arrived as a using (id_usulan)
    left join wilayah_desa as d using (kode_desa)
)

select * from final
order by kode_desa, tanggal_usulan, id_usulan
limit $batas
