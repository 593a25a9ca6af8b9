-- The funnel from the musdes to the register, per desa inside a region: proposals to add a family
-- (jenis 'tambah') approved by the musdes (keputusan_musdes 'disetujui') in $dari, and how many appear in
-- the $ke snapshot (a family whose id_usulan_asal is the proposal's id_usulan, active or not).
-- Returns kode_desa, nama_desa, diusulkan, masuk, hilang (= diusulkan - masuk: "usulan hilang").
-- $dari: the period of the musdes; $ke: the later snapshot; $kode: the region's code ('' for the nation).
with proposals as (
    select id_usulan, kode_desa
    from usulan_all
    where periode = $dari
        and ($kode = '' or kode_prov = left($kode, 2))
        and kode_desa >= $kode and kode_desa < $kode || ':'
        and jenis = 'tambah'
        and keputusan_musdes = 'disetujui'
),

arrived as (
    select distinct id_usulan_asal as id_usulan
    from keluarga_all
    where periode = $ke
        and ($kode = '' or kode_prov = left($kode, 2))
        and id_usulan_asal in (select id_usulan from proposals)
),

per_desa as (
    select
        p.kode_desa,
        count(*) as diusulkan,
        count(a.id_usulan) as masuk
    from proposals as p
    left join arrived as a using (id_usulan)
    group by p.kode_desa
),

final as (
    select
        f.kode_desa,
        coalesce(d.nama_desa, f.kode_desa) as nama_desa,
        f.diusulkan,
        f.masuk,
        f.diusulkan - f.masuk as hilang
    from per_desa as f
    left join wilayah_desa as d using (kode_desa)
)

select * from final
order by kode_desa
