-- The people of a region caught by one data-quality check, for officials who may see persons (the page audits
-- every view): kode_desa, id_dtks, id_keluarga, nama, nik, no_kk, jenis_kelamin, tanggal_lahir,
-- hubungan_keluarga, keberadaan, tanggal_keberadaan, status_aktif, keterangan, jumlah_total (all matches;
-- at most $batas rows are returned). Never the mother's name. Read from the temuan table written when the
-- period was built (queries/build/temuan.sql has the checks' definitions, the same as the rollup columns):
-- nik_tidak_valid, nik_beda_domisili, nik_ganda, meninggal_aktif. The same query over the raw rows, kept for
-- comparison, is bench/queries/quality_person_rows_live.sql.
-- $periode: 'YYYY-MM'; $kode: the region's code ('' for the nation); $cek: one of the checks above;
-- $batas: the most rows to return (integer).
with caught as (
    select
        kode_desa, id_dtks, id_keluarga, nama, nik, no_kk, jenis_kelamin, tanggal_lahir, hubungan_keluarga,
        keberadaan, tanggal_keberadaan, status_aktif, keterangan
    from temuan_all
    where periode = $periode
        and cek = $cek
        and kode_desa >= $kode and kode_desa < $kode || ':'
),

final as (
    select *, count(*) over () as jumlah_total
    from caught
)

select * from final
order by kode_desa, nama, id_dtks
limit $batas
