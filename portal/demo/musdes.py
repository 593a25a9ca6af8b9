"""Musdes held in each desa during a quarter and the usulan they decided.

Usulan tambah carry a fully generated candidate family; whether an approved usulan reaches the next snapshot
is drawn here and kept as ground truth (`truth_usulan`), so the funnel "usulan → next snapshot" has a known
answer, including the usulan that never arrive ("usulan hilang").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from portal.demo.columns import Columns
from portal.demo.households import Batch, ProvinceGeo, make_families

ROMAN = np.array(["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"], dtype=object)
STOP_CATEGORIES = np.array(
    ["sudah mampu", "meninggal dunia", "pindah domisili", "data ganda", "tidak dikenal di lingkungan"], dtype=object
)
JENIS_MUSYAWARAH = np.array(["musdes", "muskel"], dtype=object)  # indexed by kelurahan
KEPUTUSAN = np.array(["ditolak", "disetujui"], dtype=object)  # indexed by approved
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

    musdes: Columns
    usulan: Columns
    truth: Columns
    new_families: Batch  # candidates of usulan tambah that will reach the next snapshot
    stop_families: Columns  # id_keluarga, alasan_nonaktif for penghentian that will reach it


def hold_musdes(
    rng: np.random.Generator,
    geo: ProvinceGeo,
    keluarga: Columns,
    compliance: np.ndarray,
    quarter_start: date,
    period_end: date,
    next_ids: list[int],
    period_index: int,
) -> QuarterDecisions:
    """Musdes of the quarter ending at `period_end` for desa with families, and their usulan."""
    # Only the columns the penghentian need: a selection copies every column it holds.
    needed = ("_desa", "_cacat", "_protected", "desil", "id_keluarga", "nama_kepala_keluarga", "jumlah_art")
    active = Columns({name: keluarga[name] for name in needed}).take(keluarga["status_aktif"])
    per_desa = np.bincount(active["_desa"], minlength=geo.kode_desa.size)
    desa_pos = np.flatnonzero(per_desa)
    held = rng.random(desa_pos.size) < compliance[geo.kab_index[desa_pos]]
    desa_pos = desa_pos[held]
    desa_codes, families = geo.kode_desa[desa_pos], per_desa[desa_pos]
    n = desa_codes.size

    start, end = np.datetime64(quarter_start, "D"), np.datetime64(period_end, "D")
    span = int((end - start).astype(int))
    tanggal = start + rng.integers(0, span - 3, n).astype("timedelta64[D]")
    published = rng.random(n) < 0.88
    tanggal_pub = tanggal + rng.integers(1, 10, n).astype("timedelta64[D]")
    month = tanggal.astype("datetime64[M]").astype(np.int64) % 12
    year = tanggal.astype("datetime64[Y]").astype(np.int64) + 1970
    seq = rng.integers(1, 300, n)
    musdes = Columns(
        {
            "id_musdes": desa_codes.astype(np.int64) * 100 + (year % 100) * 4 + month // 3,
            "_desa": desa_pos,
            "kode_kab": geo.kode_kab[desa_pos],
            "kode_kec": geo.kode_kec[desa_pos],
            "kode_desa": desa_codes,
            "jenis_musyawarah": JENIS_MUSYAWARAH[geo.kelurahan[desa_pos].astype(np.int8)],
            "tanggal": tanggal,
            "nomor_berita_acara": np.array(
                [
                    f"{s:03d}/BA-{'MUSKEL' if k else 'MUSDES'}/{d[-4:]}/{ROMAN[m]}/{y}"
                    for s, k, d, m, y in zip(seq, geo.kelurahan[desa_pos], desa_codes, month, year, strict=False)
                ],
                dtype=object,
            ),
            "jumlah_hadir": rng.integers(8, 25, n) + np.minimum(families // 8, 70),
            "jumlah_foto": np.where(rng.random(n) < 0.1, 0, rng.integers(1, 9, n)),
            "daftar_hadir_ada": rng.random(n) < 0.93,
            "tanggal_publikasi": np.where(published, tanggal_pub, np.datetime64("NaT")),
            "masa_sanggah_sampai": np.where(published, tanggal_pub + np.timedelta64(14, "D"), np.datetime64("NaT")),
        },
        length=n,
    )
    adds = rng.poisson(0.4 + 0.015 * families).clip(0, 40)
    stops = rng.poisson(0.3 + 0.01 * families).clip(0, 30)
    add_rows = _add_usulan(rng, geo, musdes, adds, desa_pos, period_end, next_ids, period_index)
    stop_rows = _stop_usulan(rng, geo, musdes, stops, active)
    usulan = Columns.concat([add_rows.usulan, stop_rows])
    # Order of (kode_desa, id_musdes, jenis, id_keluarga): one musdes per desa, 'penghentian' < 'tambah'.
    usulan = usulan.take(
        np.lexsort((usulan["id_keluarga"], usulan["jenis"] == "tambah", usulan["id_musdes"], usulan["_desa"]))
    )
    ids = usulan["id_musdes"]
    starts = np.r_[0, np.flatnonzero(ids[1:] != ids[:-1]) + 1] if ids.size else np.zeros(0, dtype=np.int64)
    rank = np.arange(ids.size) - np.repeat(starts, np.diff(np.r_[starts, ids.size]))
    usulan["id_usulan"] = ids * 1000 + rank + 1
    approved = usulan["keputusan_musdes"] == "disetujui"
    tambah = usulan["jenis"] == "tambah"
    p_reach = np.where(tambah, P_REACH_ADD, P_REACH_STOP)
    reach = approved & (rng.random(len(usulan)) < p_reach)
    truth = Columns(
        {"id_usulan": usulan["id_usulan"], "kode_kab": usulan["kode_kab"], "akan_masuk_periode_berikut": reach},
        length=len(usulan),
    )
    added = reach & tambah
    added_ids, added_usulan = usulan["id_keluarga"][added], usulan["id_usulan"][added]
    candidates = add_rows.batch.keluarga
    row = np.searchsorted(candidates["id_keluarga"], added_ids)  # candidates' ids are ascending
    keep = np.zeros(len(candidates), dtype=bool)
    keep[row] = True
    asal = np.zeros(len(candidates), dtype=np.int64)
    asal[row] = added_usulan
    new_fam = candidates.take(keep)
    new_fam["id_usulan_asal"] = asal[keep]
    members = add_rows.batch.individu
    new_ind = members.take(keep[np.searchsorted(candidates["id_keluarga"], members["id_keluarga"])])
    stopped = reach & ~tambah
    stop_families = Columns(
        {
            "id_keluarga": usulan["id_keluarga"][stopped],
            "alasan_nonaktif": np.array([STOP_REASON[k] for k in usulan["kategori"][stopped]], dtype=object),
        },
        length=int(stopped.sum()),
    )
    return QuarterDecisions(musdes, usulan, truth, Batch(new_fam, new_ind), stop_families)


@dataclass
class _Adds:
    usulan: Columns
    batch: Batch


def _add_usulan(
    rng: np.random.Generator,
    geo: ProvinceGeo,
    musdes: Columns,
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
    n = len(fam)
    usulan = Columns(
        {
            "id_musdes": musdes["id_musdes"][which],
            "_desa": fam["_desa"],
            "kode_kab": geo.kode_kab[fam["_desa"]],
            "kode_kec": geo.kode_kec[fam["_desa"]],
            "kode_desa": geo.kode_desa[fam["_desa"]],
            "jenis": "tambah",
            "kategori": "layak tetapi belum terdaftar",
            "id_keluarga": fam["id_keluarga"],
            "nama_kepala_keluarga": fam["nama_kepala_keluarga"],
            "jumlah_art": fam["jumlah_art"],
            "keputusan_musdes": KEPUTUSAN[(rng.random(n) < P_APPROVED_ADD).astype(np.int8)],
            "tanggal_usulan": musdes["tanggal"][which] - rng.integers(1, 20, n).astype("timedelta64[D]"),
        },
        length=n,
    )
    return _Adds(usulan, batch)


def _stop_usulan(
    rng: np.random.Generator, geo: ProvinceGeo, musdes: Columns, stops: np.ndarray, active: Columns
) -> Columns:
    """Pick families to stop in each desa, better-off ones more often, never a protected (defective) family."""
    eligible = active.take((active["_cacat"] == 0) & ~active["_protected"])
    desil = np.where(eligible["desil"] == 0, 5, eligible["desil"]).astype(float)
    key = rng.random(len(eligible)) ** (1.0 / desil)  # weighted sampling without replacement
    desa = eligible["_desa"]
    order = np.lexsort((-key, desa))
    sorted_desa = desa[order]
    starts = np.r_[0, np.flatnonzero(sorted_desa[1:] != sorted_desa[:-1]) + 1] if order.size else order[:0]
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    desa_count = geo.kode_desa.size
    wanted = np.zeros(desa_count, dtype=np.int64)
    wanted[musdes["_desa"]] = stops
    chosen = eligible.take(order[rank < wanted[sorted_desa]])
    musdes_row = np.zeros(desa_count, dtype=np.int64)
    musdes_row[musdes["_desa"]] = np.arange(len(musdes))
    at = musdes_row[chosen["_desa"]]
    n = len(chosen)
    return Columns(
        {
            "id_musdes": musdes["id_musdes"][at],
            "_desa": chosen["_desa"],
            "kode_kab": geo.kode_kab[chosen["_desa"]],
            "kode_kec": geo.kode_kec[chosen["_desa"]],
            "kode_desa": geo.kode_desa[chosen["_desa"]],
            "jenis": "penghentian",
            "kategori": rng.choice(STOP_CATEGORIES, n, p=STOP_CATEGORY_P),
            "id_keluarga": chosen["id_keluarga"],
            "nama_kepala_keluarga": chosen["nama_kepala_keluarga"],
            "jumlah_art": chosen["jumlah_art"],
            "keputusan_musdes": KEPUTUSAN[(rng.random(n) < P_APPROVED_STOP).astype(np.int8)],
            "tanggal_usulan": musdes["tanggal"][at] - rng.integers(1, 20, n).astype("timedelta64[D]"),
        },
        length=n,
    )
