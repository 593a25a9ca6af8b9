-- The usulan decided at one musdes: id_usulan, jenis (tambah / penghentian), kategori, nama_kepala_keluarga,
-- jumlah_art, keputusan_musdes. Names are masked by the page. $periode: 'YYYY-MM'; $kode_desa: 10 digits;
-- $id_musdes: the meeting.
with final as (
    select id_usulan, jenis, kategori, nama_kepala_keluarga, jumlah_art, keputusan_musdes
    from usulan_all
    where periode = $periode
        and kode_prov = left($kode_desa, 2)
        and kode_desa = $kode_desa
        and id_musdes = $id_musdes
)

select * from final
order by jenis desc, nama_kepala_keluarga, id_usulan
