-- The musdes usulan of one desa up to and including a period, for naming what an objection refers to:
-- periode, id_usulan, jenis (tambah / penghentian), nama_kepala_keluarga. Names are masked by the caller.
-- $periode: 'YYYY-MM'; $kode_desa: 10 digits.
with final as (
    select periode, id_usulan, jenis, nama_kepala_keluarga
    from usulan_all
    where periode <= $periode
        and kode_prov = left($kode_desa, 2)
        and kode_desa = $kode_desa
)

select * from final
order by periode desc, id_usulan
