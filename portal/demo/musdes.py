"""Musdes held in each desa during a quarter and the usulan they decided.

Usulan tambah carry a fully generated candidate family; whether an approved usulan reaches the next snapshot
is drawn here and kept as ground truth (`truth_usulan`), so the funnel "usulan → next snapshot" has a known
answer, including the usulan that never arrive ("usulan hilang").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from portal.demo.households import Batch, ProvinceGeo, make_families

ROMAN = np.array(["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"], dtype=object)
STOP_CATEGORIES = np.array(
    ["sudah mampu", "meninggal dunia", "pindah domisili", "data ganda", "tidak dikenal di lingkungan"], dtype=object
)
STOP_CATEGORY_P = np.array([0.55, 0.15, 0.15, 0.07, 0.08])
STOP_REASON = {
    "sudah mampu": "mampu",
    "meninggal dunia": "meninggal",
    "pindah domisili": "pindah",
    "data ganda": "data ganda",
    "tidak dikenal di lingkungan": "tidak ditemukan",
}
P_APPROVED_ADD, P_APPROVED_STOP = 0.85, 0.80
# Share of approved usulan that the next snapshot actually reflects: the rest are the desa heads' complaint.
P_REACH_ADD, P_REACH_STOP = 0.72, 0.80
# NIK/KK serial ranges: the base population numbers from 1, candidate families of period k from
# 2000 + 150 k, newborns of period k from 5000 + 100 k (churn.py), foreign-prefix defects from 9000.
CANDIDATE_SERIALS, SERIALS_PER_PERIOD = 2000, 150


@dataclass
class QuarterDecisions:
    """One quarter's musdes and usulan rows, plus what the next period must apply."""

    musdes: pd.DataFrame
    usulan: pd.DataFrame
    truth: pd.DataFrame
    new_families: Batch  # candidates of usulan tambah that will reach the next snapshot
    stop_families: pd.DataFrame  # id_keluarga, alasan_nonaktif for penghentian that will reach it


def hold_musdes(
    rng: np.random.Generator,
    geo: ProvinceGeo,
    keluarga: pd.DataFrame,
    compliance: np.ndarray,
    quarter_start: date,
    period_end: date,
    next_ids: list[int],
    period_index: int,
) -> QuarterDecisions:
    """Musdes of the quarter ending at `period_end` for desa with families, and their usulan."""
    active = keluarga[keluarga["status_aktif"]]
    per_desa = active.groupby("kode_desa").size()
    desa_codes = per_desa.index.to_numpy()
    desa_pos = np.searchsorted(geo.kode_desa, desa_codes)
    held = rng.random(desa_codes.size) < compliance[geo.kab_index[desa_pos]]
    desa_codes, desa_pos, families = desa_codes[held], desa_pos[held], per_desa.to_numpy()[held]
    n = desa_codes.size

    start, end = np.datetime64(quarter_start, "D"), np.datetime64(period_end, "D")
    span = int((end - start).astype(int))
    tanggal = start + rng.integers(0, span - 3, n).astype("timedelta64[D]")
    published = rng.random(n) < 0.88
    tanggal_pub = tanggal + rng.integers(1, 10, n).astype("timedelta64[D]")
    month = tanggal.astype("datetime64[M]").astype(np.int64) % 12
    year = tanggal.astype("datetime64[Y]").astype(np.int64) + 1970
    seq = rng.integers(1, 300, n)
    musdes = pd.DataFrame(
        {
            "id_musdes": desa_codes.astype(np.int64) * 100 + (year % 100) * 4 + month // 3,
            "kode_kab": geo.kode_kab[desa_pos],
            "kode_kec": geo.kode_kec[desa_pos],
            "kode_desa": desa_codes,
            "jenis_musyawarah": np.where(geo.kelurahan[desa_pos], "muskel", "musdes"),
            "tanggal": tanggal,
            "nomor_berita_acara": [
                f"{s:03d}/BA-{'MUSKEL' if k else 'MUSDES'}/{d[-4:]}/{ROMAN[m]}/{y}"
                for s, k, d, m, y in zip(seq, geo.kelurahan[desa_pos], desa_codes, month, year, strict=False)
            ],
            "jumlah_hadir": rng.integers(8, 25, n) + np.minimum(families // 8, 70),
            "jumlah_foto": np.where(rng.random(n) < 0.1, 0, rng.integers(1, 9, n)),
            "daftar_hadir_ada": rng.random(n) < 0.93,
            "tanggal_publikasi": np.where(published, tanggal_pub, np.datetime64("NaT")),
            "masa_sanggah_sampai": np.where(published, tanggal_pub + np.timedelta64(14, "D"), np.datetime64("NaT")),
        }
    )
    adds = rng.poisson(0.4 + 0.015 * families).clip(0, 40)
    stops = rng.poisson(0.3 + 0.01 * families).clip(0, 30)
    add_rows = _add_usulan(rng, geo, musdes, adds, desa_pos, period_end, next_ids, period_index)
    stop_rows = _stop_usulan(rng, musdes, stops, active)
    usulan = pd.concat([add_rows.usulan, stop_rows], ignore_index=True)
    usulan = usulan.sort_values(["kode_desa", "id_musdes", "jenis", "id_keluarga"], kind="stable").reset_index(
        drop=True
    )
    usulan["id_usulan"] = usulan["id_musdes"] * 1000 + usulan.groupby("id_musdes").cumcount() + 1
    approved = usulan["keputusan_musdes"].eq("disetujui").to_numpy()
    p_reach = np.where(usulan["jenis"].eq("tambah"), P_REACH_ADD, P_REACH_STOP)
    reach = approved & (rng.random(len(usulan)) < p_reach)
    truth = pd.DataFrame(
        {"id_usulan": usulan["id_usulan"], "kode_kab": usulan["kode_kab"], "akan_masuk_periode_berikut": reach}
    )
    reached = usulan[reach]
    added_ids = reached.loc[reached["jenis"].eq("tambah"), ["id_keluarga", "id_usulan"]]
    new_fam = add_rows.batch.keluarga
    new_fam = new_fam[new_fam["id_keluarga"].isin(added_ids["id_keluarga"])].copy()
    new_fam["id_usulan_asal"] = pd.array(
        new_fam["id_keluarga"].map(added_ids.set_index("id_keluarga")["id_usulan"]).to_numpy(), dtype="Int64"
    )
    new_ind = add_rows.batch.individu
    new_ind = new_ind[new_ind["id_keluarga"].isin(new_fam["id_keluarga"])].copy()
    stopped = reached[reached["jenis"].eq("penghentian")]
    stop_families = pd.DataFrame(
        {"id_keluarga": stopped["id_keluarga"].to_numpy(), "alasan_nonaktif": stopped["kategori"].map(STOP_REASON)}
    )
    usulan = usulan[
        [
            "id_usulan",
            "id_musdes",
            "kode_kab",
            "kode_kec",
            "kode_desa",
            "jenis",
            "kategori",
            "id_keluarga",
            "nama_kepala_keluarga",
            "jumlah_art",
            "keputusan_musdes",
            "tanggal_usulan",
        ]
    ]
    return QuarterDecisions(musdes, usulan, truth, Batch(new_fam, new_ind), stop_families)


@dataclass
class _Adds:
    usulan: pd.DataFrame
    batch: Batch


def _add_usulan(
    rng: np.random.Generator,
    geo: ProvinceGeo,
    musdes: pd.DataFrame,
    adds: np.ndarray,
    desa_pos: np.ndarray,
    period_end: date,
    next_ids: list[int],
    period_index: int,
) -> _Adds:
    which = np.repeat(np.arange(len(musdes)), adds)
    # Candidates are poorer than the register on average: they are proposed because they need help.
    batch = make_families(
        rng,
        geo,
        desa_pos[which],
        period_end,
        next_ids[0],
        next_ids[1],
        z_shift=-0.9,
        serial_base=CANDIDATE_SERIALS + SERIALS_PER_PERIOD * period_index,
    )
    next_ids[0] += len(batch.keluarga)
    next_ids[1] += len(batch.individu)
    fam = batch.keluarga
    usulan = pd.DataFrame(
        {
            "id_musdes": musdes["id_musdes"].to_numpy()[which],
            "kode_kab": fam["kode_kab"].to_numpy(),
            "kode_kec": fam["kode_kec"].to_numpy(),
            "kode_desa": fam["kode_desa"].to_numpy(),
            "jenis": "tambah",
            "kategori": "layak tetapi belum terdaftar",
            "id_keluarga": fam["id_keluarga"].to_numpy(),
            "nama_kepala_keluarga": fam["nama_kepala_keluarga"].to_numpy(),
            "jumlah_art": fam["jumlah_art"].to_numpy(),
            "keputusan_musdes": np.where(rng.random(len(fam)) < P_APPROVED_ADD, "disetujui", "ditolak"),
            "tanggal_usulan": musdes["tanggal"].to_numpy()[which]
            - rng.integers(1, 20, len(fam)).astype("timedelta64[D]"),
        }
    )
    return _Adds(usulan, batch)


def _stop_usulan(
    rng: np.random.Generator, musdes: pd.DataFrame, stops: np.ndarray, active: pd.DataFrame
) -> pd.DataFrame:
    """Pick families to stop in each desa, better-off ones more often, never a protected (defective) family."""
    eligible = active[active["_cacat"].eq(0) & ~active["_protected"]]
    desil = eligible["desil"].fillna(5).to_numpy(dtype=float)
    key = rng.random(len(eligible)) ** (1.0 / desil)  # weighted sampling without replacement
    ranked = pd.DataFrame({"kode_desa": eligible["kode_desa"].to_numpy(), "key": key, "row": np.arange(len(eligible))})
    ranked = ranked.sort_values(["kode_desa", "key"], ascending=[True, False], kind="stable")
    ranked["rank"] = ranked.groupby("kode_desa").cumcount()
    wanted = pd.Series(stops, index=musdes["kode_desa"].to_numpy())
    ranked = ranked[ranked["rank"] < ranked["kode_desa"].map(wanted).fillna(0).to_numpy()]
    chosen = eligible.iloc[ranked["row"].to_numpy()]
    m = musdes.set_index("kode_desa")
    n = len(chosen)
    tanggal = m.loc[chosen["kode_desa"], "tanggal"].to_numpy()
    return pd.DataFrame(
        {
            "id_musdes": m.loc[chosen["kode_desa"], "id_musdes"].to_numpy(),
            "kode_kab": chosen["kode_kab"].to_numpy(),
            "kode_kec": chosen["kode_kec"].to_numpy(),
            "kode_desa": chosen["kode_desa"].to_numpy(),
            "jenis": "penghentian",
            "kategori": rng.choice(STOP_CATEGORIES, n, p=STOP_CATEGORY_P),
            "id_keluarga": chosen["id_keluarga"].to_numpy(),
            "nama_kepala_keluarga": chosen["nama_kepala_keluarga"].to_numpy(),
            "jumlah_art": chosen["jumlah_art"].to_numpy(),
            "keputusan_musdes": np.where(rng.random(n) < P_APPROVED_STOP, "disetujui", "ditolak"),
            "tanggal_usulan": tanggal - rng.integers(1, 20, n).astype("timedelta64[D]"),
        }
    )
