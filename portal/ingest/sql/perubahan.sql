-- Families (by No KK) and individuals (by NIK) added and removed against the previous period, per kab/kota,
-- within the uploader's region: kode_kab, ukuran, jumlah.
-- $spill: the spilled rows; $keluarga: the new families' files; $lalu_individu, $lalu_keluarga: the previous
-- period's files; $wilayah: the uploader's region prefix ('' for all). Reads table tolak_duplikat.
with new_people as (
    select nik, min(kode_kab) as kode_kab
    from read_parquet($spill)
    anti join tolak_duplikat using (_row)
    where starts_with(kode_desa, $wilayah) and nik is not null
    group by nik
),

old_people as (
    select nik, min(kode_kab) as kode_kab
    from read_parquet($lalu_individu)
    where starts_with(kode_desa, $wilayah) and nik is not null
    group by nik
),

new_families as (
    select no_kk, min(kode_kab) as kode_kab
    from read_parquet($keluarga)
    where starts_with(kode_desa, $wilayah) and no_kk is not null
    group by no_kk
),

old_families as (
    select no_kk, min(kode_kab) as kode_kab
    from read_parquet($lalu_keluarga)
    where starts_with(kode_desa, $wilayah) and no_kk is not null
    group by no_kk
),

final as (
    select kode_kab, 'individu_ditambah' as ukuran, count(*) as jumlah
    from new_people anti join old_people using (nik) group by kode_kab
    union all
    select kode_kab, 'individu_dihapus' as ukuran, count(*) as jumlah
    from old_people anti join new_people using (nik) group by kode_kab
    union all
    select kode_kab, 'keluarga_ditambah' as ukuran, count(*) as jumlah
    from new_families anti join old_families using (no_kk) group by kode_kab
    union all
    select kode_kab, 'keluarga_dihapus' as ukuran, count(*) as jumlah
    from old_families anti join new_families using (no_kk) group by kode_kab
)

select * from final
order by ukuran, kode_kab
