-- People in one desa whose name contains the search text, at most 20, with their family's programmes.
-- Returns id_dtks, id_keluarga, nama, jenis_kelamin, usia, rt, rw, hubungan_keluarga, status_aktif,
-- keberadaan, prog_pkh, prog_bpnt, prog_pbi_jk, prog_blt_dd, desil.
-- $periode: 'YYYY-MM'; $akhir: last day of the period (date, for ages); $kode_desa: 10 digits;
-- $q: text to find, matched as a plain substring (no LIKE wildcards) of the upper-cased name.
with people as (
    select id_dtks, id_keluarga, nama, jenis_kelamin, tanggal_lahir, rt, rw, hubungan_keluarga,
        status_aktif, keberadaan
    from individu_all
    where periode = $periode
        and kode_prov = left($kode_desa, 2)
        and kode_desa = $kode_desa
        and contains(nama, upper($q))
    order by nama, id_dtks
    limit 20
),

families as (
    select id_keluarga, prog_pkh, prog_bpnt, prog_pbi_jk, prog_blt_dd, desil
    from keluarga_all
    where periode = $periode
        and kode_prov = left($kode_desa, 2)
        and kode_desa = $kode_desa
),

final as (
    select
        p.id_dtks, p.id_keluarga, p.nama, p.jenis_kelamin,
        date_diff('year', p.tanggal_lahir, $akhir::date)
            - (strftime($akhir::date, '%m%d') < strftime(p.tanggal_lahir, '%m%d'))::integer as usia,
        p.rt, p.rw, p.hubungan_keluarga, p.status_aktif, p.keberadaan,
        f.prog_pkh, f.prog_bpnt, f.prog_pbi_jk, f.prog_blt_dd, f.desil
    from people as p
    left join families as f using (id_keluarga)
)

select * from final
order by nama, id_dtks
