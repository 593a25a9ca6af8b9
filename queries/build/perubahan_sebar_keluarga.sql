-- The families of two periods, in the columns build/perubahan_nasional pairs, each with the part its id hashes to:
-- portal/rollups.py writes them once into a file per part (COPY … PARTITION_BY bagian), so each part's pairing
-- reads its own rows instead of scanning the nation's again. $dari, $ke: the periods, 'YYYY-MM'; $bagian_dari:
-- the number of parts. Returns bagian, kini ($ke's row, not $dari's), id_keluarga, kode (province),
-- status_aktif, desil, alasan_nonaktif, id_usulan_asal, and the four programmes received while active.
with final as (
    select
        hash(id_keluarga) % $bagian_dari as bagian,
        periode = $ke as kini,
        id_keluarga,
        left(kode_desa, 2) as kode,
        status_aktif,
        desil,
        alasan_nonaktif,
        id_usulan_asal,
        status_aktif and coalesce(prog_pkh, false) as pkh,
        status_aktif and coalesce(prog_bpnt, false) as bpnt,
        status_aktif and coalesce(prog_pbi_jk, false) as pbi_jk,
        status_aktif and coalesce(prog_blt_dd, false) as blt_dd
    from keluarga_all
    where periode in ($dari, $ke) and kode_desa >= '' and kode_desa < ':'
)

select * from final
