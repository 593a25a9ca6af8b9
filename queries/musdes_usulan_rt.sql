-- The usulan decided at one musdes with the RT/RW of the family in that musdes's period: id_usulan, jenis
-- (tambah / penghentian), kategori, nama_kepala_keluarga, jumlah_art, keputusan_musdes, rt, rw (null when the
-- family is not in that period's register, as for most proposals to add). Names are masked by the page.
-- $periode: the musdes's 'YYYY-MM'; $kode_desa: 10 digits; $id_musdes: the meeting.
with usulan as (
    select id_usulan, jenis, kategori, id_keluarga, nama_kepala_keluarga, jumlah_art, keputusan_musdes
    from usulan_all
    where periode = $periode
        and kode_prov = left($kode_desa, 2)
        and kode_desa = $kode_desa
        and id_musdes = $id_musdes
),

families as (
    select id_keluarga, rt, rw
    from keluarga_all
    where periode = $periode
        and kode_prov = left($kode_desa, 2)
        and kode_desa = $kode_desa
),

final as (
    select u.id_usulan, u.jenis, u.kategori, u.nama_kepala_keluarga, u.jumlah_art, u.keputusan_musdes, f.rt, f.rw
    from usulan as u
    left join families as f using (id_keluarga)
)

select * from final
order by jenis desc, nama_kepala_keluarga, id_usulan
