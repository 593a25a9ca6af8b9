-- desa_people.sql read from the desa's own partition files (portal.db.Register.run picks it for desa_people when
-- they exist): a desa lies in one province, so its rows are in one individu and one keluarga file, sorted by
-- kode_desa, and reading those files directly skips binding the hive glob and pruning its partitions. The same
-- rows and columns as desa_people.sql; the age is computed with integer month-day arithmetic instead of two
-- strftime calls per person (the same number, tests/test_db_desa.py), and the rows are ordered by rt, rw, nama,
-- id_dtks in portal.db with Arrow's sort (a third of DuckDB's ORDER BY time on a desa of 17,000 people).
-- $individu, $keluarga: the period's partition files of the desa's province; $akhir: last day of the period
-- (date); $kode_desa: 10 digits.
with people as (
    select id_dtks, id_keluarga, nama, tanggal_lahir, rt, rw, status_aktif, keberadaan
    from read_parquet($individu)
    where kode_desa = $kode_desa
),

families as (
    select id_keluarga, prog_pkh, prog_bpnt, prog_pbi_jk, prog_blt_dd, status_aktif as keluarga_aktif
    from read_parquet($keluarga)
    where kode_desa = $kode_desa
),

final as (
    select
        p.id_dtks, p.id_keluarga, p.nama,
        year($akhir::date) - year(p.tanggal_lahir)
            - (month($akhir::date) * 100 + day($akhir::date)
                < month(p.tanggal_lahir) * 100 + day(p.tanggal_lahir))::integer as usia,
        p.rt, p.rw, p.status_aktif and coalesce(f.keluarga_aktif, false) as status_aktif, p.keberadaan,
        coalesce(f.prog_pkh, false) as prog_pkh,
        coalesce(f.prog_bpnt, false) as prog_bpnt,
        coalesce(f.prog_pbi_jk, false) as prog_pbi_jk,
        coalesce(f.prog_blt_dd, false) as prog_blt_dd
    from people as p
    left join families as f using (id_keluarga)
)

select * from final
