-- The desa's musdes up to and including a period, newest first: the current one is the first row.
-- Returns periode, id_musdes, jenis_musyawarah, tanggal, nomor_berita_acara, jumlah_hadir, jumlah_foto,
-- daftar_hadir_ada, tanggal_publikasi, masa_sanggah_sampai.
-- $periode: 'YYYY-MM'; $kode_desa: 10 digits.
with final as (
    select periode, id_musdes, jenis_musyawarah, tanggal, nomor_berita_acara, jumlah_hadir, jumlah_foto,
        daftar_hadir_ada, tanggal_publikasi, masa_sanggah_sampai
    from musdes_all
    where periode <= $periode
        and kode_prov = left($kode_desa, 2)
        and kode_desa = $kode_desa
)

select * from final
order by tanggal desc, id_musdes desc
