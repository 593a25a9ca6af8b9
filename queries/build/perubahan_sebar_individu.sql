-- The people of two periods, in the columns build/perubahan_nasional pairs, each with the part its id hashes to
-- (see build/perubahan_sebar_keluarga). $dari, $ke: the periods, 'YYYY-MM'; $bagian_dari: the number of parts.
-- Returns bagian, kini ($ke's row, not $dari's), id_dtks, id_keluarga, kode (province), status_aktif,
-- keberadaan, tanggal_lahir.
with final as (
    select
        hash(id_dtks) % $bagian_dari as bagian,
        periode = $ke as kini,
        id_dtks,
        id_keluarga,
        left(kode_desa, 2) as kode,
        status_aktif,
        keberadaan,
        tanggal_lahir
    from individu_all
    where periode in ($dari, $ke) and kode_desa >= '' and kode_desa < ':'
)

select * from final
