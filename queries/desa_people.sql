-- Everyone listed in one desa in one period, with only what public pages may show (no NIK, No KK, birth
-- date, mother's name, address, disability or health): id_dtks (for opaque tokens), id_keluarga, nama, usia,
-- rt, rw, status_aktif, keberadaan and the family's programmes.
-- $periode: 'YYYY-MM'; $akhir: last day of the period (date); $kode_desa: 10 digits.
with people as (
    select id_dtks, id_keluarga, nama, tanggal_lahir, rt, rw, status_aktif, keberadaan
    from individu_all
    where periode = $periode
        and kode_prov = left($kode_desa, 2)
        and kode_desa = $kode_desa
),

families as (
    select id_keluarga, prog_pkh, prog_bpnt, prog_pbi_jk, prog_blt_dd, status_aktif as keluarga_aktif
    from keluarga_all
    where periode = $periode
        and kode_prov = left($kode_desa, 2)
        and kode_desa = $kode_desa
),

final as (
    select
        p.id_dtks, p.id_keluarga, p.nama,
        date_diff('year', p.tanggal_lahir, $akhir::date)
            - (strftime($akhir::date, '%m%d') < strftime(p.tanggal_lahir, '%m%d'))::integer as usia,
        p.rt, p.rw, p.status_aktif and coalesce(f.keluarga_aktif, false) as status_aktif, p.keberadaan,
        coalesce(f.prog_pkh, false) as prog_pkh,
        coalesce(f.prog_bpnt, false) as prog_bpnt,
        coalesce(f.prog_pbi_jk, false) as prog_pbi_jk,
        coalesce(f.prog_blt_dd, false) as prog_blt_dd
    from people as p
    left join families as f using (id_keluarga)
)

select * from final
order by rt, rw, nama, id_dtks
