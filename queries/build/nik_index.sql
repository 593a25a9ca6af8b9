-- Side table sorted by NIK for point lookups: nik, id_dtks, kode_prov, kode_kab, kode_desa.
-- $periode: the period, 'YYYY-MM'.
with final as (
    select nik, id_dtks, kode_prov, kode_kab, kode_desa
    from individu_all
    where periode = $periode
)

select * from final
order by nik, id_dtks
