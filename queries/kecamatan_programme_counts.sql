-- Families and members per kecamatan of one kab/kota receiving one programme, from the rows themselves.
-- Returns kode_kec, nama_kec, keluarga, individu.
-- $periode: 'YYYY-MM'; $kode_kab: 4 digits; $program: pkh | bpnt | pbi_jk | blt_dd (anything else matches none).
with families as (
    select id_keluarga, kode_kec, jumlah_art
    from keluarga_all
    where periode = $periode
        and kode_prov = left($kode_kab, 2)
        and kode_kab = $kode_kab
        and status_aktif
        and case $program
            when 'pkh' then prog_pkh
            when 'bpnt' then prog_bpnt
            when 'pbi_jk' then prog_pbi_jk
            when 'blt_dd' then prog_blt_dd
            else false
        end
),

final as (
    select f.kode_kec, k.nama_kec, count(*) as keluarga, sum(f.jumlah_art)::bigint as individu
    from families as f
    left join wilayah_kecamatan as k using (kode_kec)
    group by all
)

select * from final
order by kode_kec
