-- One row per family of the accepted rows, in KELUARGA's columns plus kode_prov. The family's attributes come
-- from its representative row (the kepala keluarga's, else its first row in file order); the head's name and the
-- member count fill NAMA_KEPALA_KELUARGA and JUMLAH_ART where the file left them empty.
-- $spill: the spilled rows (Parquet files). Reads table tolak_duplikat (rows rejected as duplicates).
-- {keluarga_columns} is filled from portal.schema.KELUARGA (qualified identifiers only).
with accepted as (
    select *
    from read_parquet($spill)
    anti join tolak_duplikat using (_row)
),

per_family as (
    select
        id_keluarga,
        arg_min(_row, (case when _kepala then 0 else 1 end) * 1000000000000 + _row) as baris_wakil,
        arg_min(nama, _row) filter (where _kepala) as nama_kepala,
        count(*) as anggota
    from accepted
    group by id_keluarga
),

final as (
    select
        a.kode_prov,
        {keluarga_columns},
        coalesce(a.nama_kepala_keluarga, p.nama_kepala) as nama_kepala_keluarga,
        coalesce(a.jumlah_art, least(p.anggota, 32767))::smallint as jumlah_art,
        a.status_aktif_keluarga as status_aktif
    from per_family as p
    inner join accepted as a on a._row = p.baris_wakil
)

select * from final
