-- The nation's changes per provinsi between $dari and $ke, as period_changes.sql computes them for
-- $kode = '' and $panjang = 2, precomputed when $ke was built with $dari as the period before it.
-- Returns objek, kode, perubahan, alasan, jumlah (no rows when that pair was not precomputed).
-- $dari, $ke: periods 'YYYY-MM'.
select objek, kode, perubahan, alasan, jumlah
from perubahan_nasional_all
where periode = $ke and dari = $dari
order by objek, kode, perubahan, alasan
