-- The people of a region caught by one data-quality check, for officials who may see persons (the page audits
-- every view): kode_desa, id_dtks, id_keluarga, nama, nik, no_kk, jenis_kelamin, tanggal_lahir,
-- hubungan_keluarga, keberadaan, tanggal_keberadaan, status_aktif, keterangan, jumlah_total (all matches;
-- at most $batas rows are returned). Never the mother's name. The same definitions as the rollup columns:
--   nik_tidak_valid   NIK without the structure of a NIK (nik_valid), every row;
--   nik_beda_domisili a valid NIK issued in another kab/kota than the domicile;
--   nik_ganda         a valid NIK held by more than one family: in several kab/kota (the nik_ganda table) or by
--                     families of the same kab/kota (rollup column nik_ganda_keluarga);
--   meninggal_aktif   deceased (keberadaan 'meninggal') and still active.
-- $periode: 'YYYY-MM'; $kode: the region's code ('' for the nation); $cek: one of the checks above;
-- $batas: the most rows to return (integer).
with region_people as (
    select
        kode_kab, kode_desa, id_dtks, id_keluarga, nama, nik, no_kk, jenis_kelamin, tanggal_lahir,
        hubungan_keluarga, keberadaan, tanggal_keberadaan, status_aktif
    from individu_all
    where periode = $periode
        and ($kode = '' or kode_prov = left($kode, 2))
        and kode_desa >= $kode and kode_desa < $kode || ':'
),

-- NIK shared by families of one kab/kota: read the whole kab/kota (or wider) around the region, only for
-- this check (the condition on $cek is folded away otherwise). The nik_ganda table holds valid NIK only.
kab_shared as (
    select kode_kab, nik
    from individu_all
    where $cek = 'nik_ganda'
        and periode = $periode
        and ($kode = '' or kode_prov = left($kode, 2))
        and kode_desa >= left($kode, 4) and kode_desa < left($kode, 4) || ':'
    group by kode_kab, nik
    having min(id_keluarga) <> max(id_keluarga)
),

cross_kab as (
    select nik, jumlah_kab
    from nik_ganda_all
    where $cek = 'nik_ganda' and periode = $periode
),

checked as (
    select
        p.*,
        c.jumlah_kab,
        s.nik is not null as ganda_dalam_kab,
        case $cek
            when 'nik_tidak_valid' then not nik_valid(p.nik)
            -- cheap tests first: AND evaluates nik_valid only on the rows that pass them
            when 'nik_beda_domisili' then substr(p.nik, 1, 4) <> p.kode_kab and nik_valid(p.nik)
            when 'nik_ganda' then c.nik is not null or (s.nik is not null and nik_valid(p.nik))
            when 'meninggal_aktif' then p.keberadaan = 'meninggal' and p.status_aktif
            else false
        end as kena
    from region_people as p
    left join cross_kab as c on c.nik = p.nik
    left join kab_shared as s on s.kode_kab = p.kode_kab and s.nik = p.nik
),

final as (
    select
        kode_desa, id_dtks, id_keluarga, nama, nik, no_kk, jenis_kelamin, tanggal_lahir, hubungan_keluarga,
        keberadaan, tanggal_keberadaan, status_aktif,
        case $cek
            when 'nik_tidak_valid' then
                case
                    when nik is null then 'NIK kosong'
                    when not regexp_full_match(nik, '[0-9]{16}') then 'bukan 16 digit angka'
                    when substr(nik, 13, 4) = '0000' then 'nomor urut 0000'
                    when _nik_month(nik) not between 1 and 12 then 'bulan lahir tidak mungkin'
                    when _nik_day(nik) not between 1 and 31 then 'tanggal lahir tidak mungkin'
                    else 'kode provinsi atau tanggal tidak dikenal'
                end
            when 'nik_beda_domisili' then 'NIK terbit di kab/kota ' || substr(nik, 1, 4)
            when 'nik_ganda' then
                case
                    when jumlah_kab is not null then 'NIK dipakai di ' || jumlah_kab || ' kab/kota'
                    else 'NIK dipakai lebih dari satu keluarga di kab/kota ini'
                end
            when 'meninggal_aktif' then 'meninggal, masih aktif'
        end as keterangan,
        count(*) over () as jumlah_total
    from checked
    where kena
)

select * from final
order by kode_desa, nama, id_dtks
limit $batas
