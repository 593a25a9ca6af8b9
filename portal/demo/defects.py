"""Defects injected into the synthetic register at documented rates, with every affected row recorded.

Each affected row carries a bit in its hidden `_cacat` column; the writer turns the bits into the ground-truth
table `truth_cacat`. Families holding a defective row are protected from churn (deaths, moves, graduation,
penghentian), so a defect stays exactly where it was injected and the true answer of every quality check is
known in every period.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from portal.demo.columns import Columns
from portal.demo.households import MENINGGAL, ProvinceGeo, group_rank

NIK_TIDAK_VALID = 1
NIK_GANDA = 2
NIK_BEDA_DOMISILI = 4
MENINGGAL_AKTIF = 8
DESIL_KOSONG = 16
# Not a defect: a person kept free of churn so that a later block of the province may copy their NIK.
DONOR_RESERVE = 32
KINDS = {
    NIK_TIDAK_VALID: "nik_tidak_valid",
    NIK_GANDA: "nik_ganda",
    NIK_BEDA_DOMISILI: "nik_beda_domisili",
    MENINGGAL_AKTIF: "meninggal_aktif",
    DESIL_KOSONG: "desil_kosong",
}
# Injected shares of the base period (individuals, except desil_kosong which is a share of families).
# nik_ganda pairs: the share counts the copies, each copy has a donor, so ≈ 2 × rate of rows are involved.
RATES = {
    "nik_tidak_valid": 0.008,
    "nik_ganda": 0.002,
    "nik_beda_domisili": 0.015,
    "meninggal_aktif": 0.012,
    "desil_kosong": 0.010,
}


DONOR_FIELDS = ("kode_desa", "id_keluarga", "id_dtks", "kode_kab", "nik")


@dataclass
class DonorPool:
    """People of earlier blocks of a province whose NIK a later block may copy (a block inside one kab/kota has
    no donor of another kab/kota of its own). Reserved people never churn, so a donor is the same row in every
    period; the donors used are returned by `used_truth`, for the province's truth table."""

    waiting: list[pd.DataFrame] = field(default_factory=list)
    used: list[pd.DataFrame] = field(default_factory=list)

    def add(self, geo: ProvinceGeo, individu: Columns, rows: np.ndarray, nik: np.ndarray) -> None:
        desa = individu["_desa"][rows]
        frame = pd.DataFrame({"kode_desa": geo.kode_desa[desa]})
        frame["id_keluarga"] = individu["id_keluarga"][rows]
        frame["id_dtks"] = individu["id_dtks"][rows]
        frame["kode_kab"] = geo.kode_kab[desa]
        frame["nik"] = nik[rows]
        self.waiting.append(frame)

    def take(self, kab_of_copy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each copy, the NIK of the first waiting donor of another kab/kota (None when there is none);
        those donors leave the pool. Also returns which copies got one."""
        waiting = pd.concat(self.waiting, ignore_index=True) if self.waiting else pd.DataFrame(columns=DONOR_FIELDS)
        taken = np.zeros(len(waiting), dtype=bool)
        donor_kab = waiting["kode_kab"].to_numpy()
        nik = np.full(kab_of_copy.size, None, dtype=object)
        for i, kab in enumerate(kab_of_copy.tolist()):
            candidates = np.flatnonzero(~taken & (donor_kab != kab))
            if candidates.size == 0:
                continue
            taken[candidates[0]] = True
            nik[i] = waiting["nik"].iat[candidates[0]]
        self.used.append(waiting[taken])
        self.waiting = [waiting[~taken].reset_index(drop=True)]
        return nik, nik != None  # noqa: E711 (elementwise)

    def used_truth(self) -> pd.DataFrame:
        """Truth rows (kode_desa, jenis, id_keluarga, id_dtks, kode_kab) of the donors taken so far."""
        used = pd.concat(self.used, ignore_index=True) if self.used else pd.DataFrame(columns=DONOR_FIELDS)
        return pd.DataFrame(
            {
                "kode_desa": used["kode_desa"].to_numpy(),
                "jenis": KINDS[NIK_GANDA],
                "id_keluarga": used["id_keluarga"].to_numpy(),
                "id_dtks": used["id_dtks"].to_numpy(),
                "kode_kab": used["kode_kab"].to_numpy(),
            }
        )


def inject(
    rng: np.random.Generator,
    keluarga: Columns,
    individu: Columns,
    geo: ProvinceGeo,
    province_slot: int,
    period_day: int,
    foreign_serials: dict[int, int] | None = None,
    pool: DonorPool | None = None,
) -> None:
    """Apply every defect in place, on disjoint sets of rows.

    `foreign_serials` counts the serials already issued per foreign prefix and date by earlier blocks of the
    province (updated here), so NIK written with another province's prefix never collide between blocks.
    Copies of a NIK find their donor in another kab/kota of the same block, else in `pool` (earlier blocks);
    each block then reserves as many donors for later blocks as it made copies."""
    free = np.ones(len(individu), dtype=bool)
    bits = individu["_cacat"].copy()
    nik = individu["nik"].to_numpy(zero_copy_only=False).astype(object)  # a few rows change

    invalid = _pick(rng, free, RATES["nik_tidak_valid"])
    nik[invalid] = _corrupt(rng, nik[invalid])
    bits[invalid] |= NIK_TIDAK_VALID
    free[invalid] = False

    kab = geo.kab_index[individu["_desa"]]
    copies = _pick(rng, free, RATES["nik_ganda"])
    free[copies] = False
    donors = _pick_donors(rng, free, kab, copies) if _in_multi_kab_province(kab).any() else np.full(copies.size, -1)
    keep = donors >= 0
    inside, donors = copies[keep], donors[keep]
    nik[inside] = nik[donors]
    bits[donors] |= NIK_GANDA
    free[donors] = False
    outside = copies[~keep]
    if pool is not None and outside.size:
        copied, found = pool.take(geo.kab_codes[kab[outside]])
        outside = outside[found]
        nik[outside] = copied[found]
    else:
        outside = outside[:0]
    bits[np.sort(np.r_[inside, outside])] |= NIK_GANDA | NIK_BEDA_DOMISILI  # the copy lives where its NIK is not

    foreign = _pick(rng, free, RATES["nik_beda_domisili"])
    # foreign_kec holds only kecamatan outside this province, so the prefix never matches the domicile.
    prefix = geo.foreign_kec[rng.integers(0, geo.foreign_kec.size, foreign.size)]
    # A serial range of its own per province keeps these NIK from colliding with real holders of that prefix.
    dates = (nik[foreign].astype(np.int64) // 10_000) % 1_000_000 if foreign.size else np.zeros(0, np.int64)
    key = prefix.astype(np.int64) * 1_000_000 + dates
    used = foreign_serials if foreign_serials is not None else {}
    issued = np.array([used.get(k, 0) for k in key.tolist()], dtype=np.int64)
    rank = group_rank(key)
    serial = 9000 + province_slot * 25 + issued + rank
    for k, count in zip(*(a.tolist() for a in np.unique(key, return_counts=True)), strict=True):
        used[k] = used.get(k, 0) + count
    nik[foreign] = (key * 10_000 + serial).astype(str).astype(object)
    bits[foreign] |= NIK_BEDA_DOMISILI
    free[foreign] = False

    age_years = (period_day - individu["tanggal_lahir"].astype("datetime64[D]").astype(np.int64)) / 365.25
    weight = np.where(free, np.exp(age_years / 15.0), 0.0)
    count = round(RATES["meninggal_aktif"] * len(individu))
    dead = rng.choice(len(individu), size=min(count, int(free.sum())), replace=False, p=weight / weight.sum())
    keberadaan = individu["keberadaan"].copy()
    keberadaan[dead] = MENINGGAL
    tanggal = individu["tanggal_keberadaan"].copy()
    tanggal[dead] = (period_day - rng.integers(30, 720, dead.size)).astype("datetime64[D]")
    bits[dead] |= MENINGGAL_AKTIF
    free[dead] = False

    if pool is not None:
        reserve = _pick(rng, free, RATES["nik_ganda"])
        bits[reserve] |= DONOR_RESERVE
        pool.add(geo, individu, reserve, nik)

    individu["nik"] = pa.array(nik, type=pa.string())
    individu["_cacat"] = bits
    individu["keberadaan"] = keberadaan
    individu["tanggal_keberadaan"] = tanggal

    blank = _pick(rng, np.ones(len(keluarga), dtype=bool), RATES["desil_kosong"])
    keluarga["_cacat"][blank] |= DESIL_KOSONG
    keluarga["desil"][blank] = 0  # null, and so is the status_kesejahteraan written from it


def _pick(rng: np.random.Generator, eligible: np.ndarray, rate: float) -> np.ndarray:
    pool = np.flatnonzero(eligible)
    count = min(round(rate * eligible.size), pool.size)
    return np.sort(rng.choice(pool, size=count, replace=False))


def _in_multi_kab_province(kab: np.ndarray) -> np.ndarray:
    return np.full(kab.size, bool(kab.size) and bool((kab != kab[0]).any()))


def _pick_donors(rng: np.random.Generator, free: np.ndarray, kab: np.ndarray, copies: np.ndarray) -> np.ndarray:
    """A distinct free donor in another kab for each copy (-1 where none can be found)."""
    pool = rng.permutation(np.flatnonzero(free))
    donors = np.full(copies.size, -1, dtype=np.int64)
    used = np.zeros(kab.size, dtype=bool)
    cursor = 0
    for i, row in enumerate(copies):
        for _ in range(50):
            if cursor >= pool.size:
                return donors
            candidate = pool[cursor]
            cursor += 1
            if kab[candidate] != kab[row] and not used[candidate]:
                donors[i] = candidate
                used[candidate] = True
                break
    return donors


def _corrupt(rng: np.random.Generator, niks: np.ndarray) -> np.ndarray:
    """NIK as they arrive broken: a digit lost or doubled, a letter O, an impossible date, a zero serial,
    or the scientific notation Excel writes."""
    out = niks.copy()
    kind = rng.integers(0, 6, niks.size)
    for i, (nik, k) in enumerate(zip(niks, kind, strict=False)):
        if k == 0:
            out[i] = nik[:10] + nik[11:]
        elif k == 1:
            out[i] = nik + nik[-1]
        elif k == 2:
            out[i] = nik[:7] + "O" + nik[8:]
        elif k == 3:
            out[i] = nik[:8] + "13" + nik[10:]
        elif k == 4:
            out[i] = nik[:12] + "0000"
        else:
            out[i] = f"{int(nik):.5E}".replace("E+", "E+")
    return out
