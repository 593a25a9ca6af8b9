-- The nation's changes between two periods, per province: what queries/period_changes.sql returns for $kode = ''
-- and $panjang = 2 (tests/test_rollups.py compares the two), for the build, which stores it for every period
-- and the one before. For the nation nobody moves in from or out to outside the region, so the look-ups of
-- families listed outside it are gone; a person's family is read only at $ke (it names the families new from
-- a musdes proposal). Returns objek, kode, perubahan, alasan, jumlah. $dari: the period before, 'YYYY-MM'.
-- It reads one part of the two periods' rows, spread by portal/rollups.py (write_changes) by id hash into
-- files the views below read: every event belongs to one family pair or one person pair, so the parts' counts add
-- up to the whole, and a national register is paired in parts that fit PORTAL_BUILD_MEMORY.
--   perubahan_keluarga  build/perubahan_sebar_keluarga's columns for the families whose id hashes to the part;
--   perubahan_individu  build/perubahan_sebar_individu's columns, likewise for the people;
--   perubahan_usulan    build/perubahan_usulan: the families new at $ke from a musdes proposal, every part's.
with fam_before as (
    select id_keluarga, kode, status_aktif, desil, pkh, bpnt, pbi_jk, blt_dd
    from perubahan_keluarga
    where not kini
),

fam_after as (
    select id_keluarga, kode, status_aktif, desil, alasan_nonaktif, id_usulan_asal, pkh, bpnt, pbi_jk, blt_dd
    from perubahan_keluarga
    where kini
),

fam_pairs as (
    select
        b.id_keluarga is not null as ada_dulu,
        a.id_keluarga is not null as ada_kini,
        coalesce(b.status_aktif, false) as aktif_dulu,
        coalesce(a.status_aktif, false) as aktif_kini,
        b.kode as kode_dulu,
        a.kode as kode_kini,
        b.desil as desil_dulu,
        a.desil as desil_kini,
        a.alasan_nonaktif,
        a.id_usulan_asal,
        coalesce(b.pkh, false) as pkh_dulu,
        coalesce(a.pkh, false) as pkh_kini,
        coalesce(b.bpnt, false) as bpnt_dulu,
        coalesce(a.bpnt, false) as bpnt_kini,
        coalesce(b.pbi_jk, false) as pbi_jk_dulu,
        coalesce(a.pbi_jk, false) as pbi_jk_kini,
        coalesce(b.blt_dd, false) as blt_dd_dulu,
        coalesce(a.blt_dd, false) as blt_dd_kini
    from fam_before as b
    full outer join fam_after as a on a.id_keluarga = b.id_keluarga
),

-- The pairs counted by what the events below read, as the join streams: a few thousand kinds for millions of
-- families, so the event branches each read a small table, not the join (read by fourteen branches, the join
-- was materialised: 100 M people of two periods held at once).
fam_kinds as (
    select
        ada_dulu, ada_kini, aktif_dulu, aktif_kini, kode_dulu, kode_kini,
        sign(desil_kini - desil_dulu) as arah_desil,
        case when aktif_dulu and not aktif_kini then alasan_nonaktif end as alasan_nonaktif,
        id_usulan_asal is not null as dari_usulan,
        pkh_dulu, pkh_kini, bpnt_dulu, bpnt_kini, pbi_jk_dulu, pbi_jk_kini, blt_dd_dulu, blt_dd_kini,
        count(*) as jumlah
    from fam_pairs
    group by all
),

fam_events as (
    select
        kode_kini as kode,
        'ditambahkan' as perubahan,
        case
            when ada_dulu then 'diaktifkan kembali'
            when dari_usulan then 'usulan musdes'
            else 'baru'
        end as alasan,
        jumlah
    from fam_kinds
    where aktif_kini and not aktif_dulu
    union all
    select
        kode_dulu,
        'dikeluarkan',
        case
            when ada_kini then coalesce(alasan_nonaktif, 'tanpa alasan')
            else 'hilang dari register'
        end,
        jumlah
    from fam_kinds
    where aktif_dulu and not aktif_kini
    union all
    select kode_kini, 'pindah masuk', '', jumlah from fam_kinds where aktif_dulu and aktif_kini and kode_dulu <> kode_kini
    union all
    select kode_dulu, 'pindah keluar', '', jumlah from fam_kinds where aktif_dulu and aktif_kini and kode_dulu <> kode_kini
    union all
    select kode_kini, 'desil naik', '', jumlah from fam_kinds where aktif_dulu and aktif_kini and arah_desil > 0
    union all
    select kode_kini, 'desil turun', '', jumlah from fam_kinds where aktif_dulu and aktif_kini and arah_desil < 0
),

-- One branch per programme and direction, on plain columns (the live query builds and unnests a list of the
-- four programmes for every family, which cost more than the rest of the family side here).
prog_events as (
    select kode_kini as kode, 'pkh mulai' as perubahan, '' as alasan, jumlah from fam_kinds where pkh_kini and not pkh_dulu
    union all
    select kode_dulu, 'pkh berhenti', '', jumlah from fam_kinds where pkh_dulu and not pkh_kini
    union all
    select kode_kini, 'bpnt mulai', '', jumlah from fam_kinds where bpnt_kini and not bpnt_dulu
    union all
    select kode_dulu, 'bpnt berhenti', '', jumlah from fam_kinds where bpnt_dulu and not bpnt_kini
    union all
    select kode_kini, 'pbi_jk mulai', '', jumlah from fam_kinds where pbi_jk_kini and not pbi_jk_dulu
    union all
    select kode_dulu, 'pbi_jk berhenti', '', jumlah from fam_kinds where pbi_jk_dulu and not pbi_jk_kini
    union all
    select kode_kini, 'blt_dd mulai', '', jumlah from fam_kinds where blt_dd_kini and not blt_dd_dulu
    union all
    select kode_dulu, 'blt_dd berhenti', '', jumlah from fam_kinds where blt_dd_dulu and not blt_dd_kini
),

ind_before as (
    select id_dtks, kode, status_aktif
    from perubahan_individu
    where not kini
),

ind_after as (
    select id_dtks, id_keluarga, kode, status_aktif, keberadaan, tanggal_lahir
    from perubahan_individu
    where kini
),

ind_pairs as (
    select
        b.id_dtks is not null as ada_dulu,
        a.id_dtks is not null as ada_kini,
        coalesce(b.status_aktif, false) as aktif_dulu,
        coalesce(a.status_aktif, false) as aktif_kini,
        b.kode as kode_dulu,
        a.kode as kode_kini,
        a.keberadaan,
        a.tanggal_lahir > last_day(($dari || '-01')::date) as lahir_baru,
        a.id_keluarga in (select id_keluarga from perubahan_usulan) as dari_usulan
    from ind_before as b
    full outer join ind_after as a on a.id_dtks = b.id_dtks
),

-- The people's pairs counted by kind as the join streams, like fam_kinds.
ind_kinds as (
    select *, count(*) as jumlah
    from ind_pairs
    group by all
),

ind_events as (
    select
        kode_kini as kode,
        'ditambahkan' as perubahan,
        case
            when ada_dulu then 'diaktifkan kembali'
            when lahir_baru then 'kelahiran'
            when dari_usulan then 'usulan musdes'
            else 'baru'
        end as alasan,
        jumlah
    from ind_kinds
    where aktif_kini and not aktif_dulu
    union all
    select
        kode_dulu,
        'dikeluarkan',
        case
            when ada_kini then
                case keberadaan when 'meninggal' then 'meninggal' when 'pindah' then 'pindah' else 'dinonaktifkan' end
            else 'hilang dari register'
        end,
        jumlah
    from ind_kinds
    where aktif_dulu and not aktif_kini
    union all
    select kode_kini, 'pindah masuk', '', jumlah from ind_kinds where aktif_dulu and aktif_kini and kode_dulu <> kode_kini
    union all
    select kode_dulu, 'pindah keluar', '', jumlah from ind_kinds where aktif_dulu and aktif_kini and kode_dulu <> kode_kini
),

final as (
    select 'keluarga' as objek, kode, perubahan, alasan, sum(jumlah)::bigint as jumlah
    from (select * from fam_events union all select * from prog_events)
    group by all
    union all
    select 'individu', kode, perubahan, alasan, sum(jumlah)::bigint
    from ind_events
    group by all
)

select * from final
order by objek, kode, perubahan, alasan
