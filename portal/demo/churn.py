"""What happens to a province's register between two quarterly snapshots.

Rows made inactive in a snapshot stay visible in it (status_aktif false, with a reason) and are gone from the
next one. Families protected because they hold an injected defect never churn, so the defects stay known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from portal.demo import names
from portal.demo.defects import NIK_BEDA_DOMISILI
from portal.demo.households import (
    STATUS_KESEJAHTERAAN,
    STREETS,
    Batch,
    ProvinceGeo,
    draw_programmes,
    make_nik,
)
from portal.demo.musdes import QuarterDecisions
from portal.schema import SULIT

PROGRAMMES = ("prog_pkh", "prog_bpnt", "prog_pbi_jk", "prog_blt_dd")
P_MOVE, P_MOVE_OTHER_KAB, P_LEAVE_PROVINCE = 0.006, 0.25, 0.0015
P_GRADUATE = 0.025  # per quarter, among families in desil 5 and above
P_DESIL_MOVE, P_PROGRAMME_REDRAW, P_BIRTH = 0.06, 0.02, 0.025


@dataclass
class ProvinceState:
    """A province's register as it stands at one snapshot."""

    keluarga: pd.DataFrame
    individu: pd.DataFrame
    next_ids: list[int]  # [next family id, next person id]


def advance(
    rng: np.random.Generator,
    state: ProvinceState,
    geo: ProvinceGeo,
    decisions: QuarterDecisions,
    quarter_start: date,
    period_end: date,
    period_index: int,
) -> None:
    """Move the state from one snapshot to the next quarter's, in place."""
    start, end = np.datetime64(quarter_start, "D"), np.datetime64(period_end, "D")
    _drop_inactive(state)
    mark_protected(state)
    _apply_decisions(state, decisions)
    _deaths(rng, state, start, end)
    _moves(rng, state, geo, start, end)
    _graduation(rng, state, end)
    _desil_moves(rng, state, end)
    _births(rng, state, start, end, period_index)
    _verivali(rng, state, geo, start, end)
    _refresh_family_counts(state)


def _drop_inactive(state: ProvinceState) -> None:
    fam, ind = state.keluarga, state.individu
    gone = fam.loc[~fam["status_aktif"], "id_keluarga"]
    left = ind["keberadaan"].isin(["meninggal", "pindah"]).to_numpy() & ~ind["status_aktif"].to_numpy()
    # One selection of every column instead of two (string columns are Arrow arrays: each take copies them).
    state.individu = ind[~ind["id_keluarga"].isin(gone).to_numpy() & ~left].reset_index(drop=True)
    state.keluarga = fam[fam["status_aktif"]].reset_index(drop=True)


def mark_protected(state: ProvinceState) -> None:
    """Flag families holding an injected defect so no churn touches them."""
    ind = state.individu
    flagged = ind.loc[ind["_cacat"] != 0, "id_keluarga"].unique()
    fam = state.keluarga
    fam["_protected"] = fam["id_keluarga"].isin(flagged).to_numpy() | (fam["_cacat"].to_numpy() != 0)


def _apply_decisions(state: ProvinceState, decisions: QuarterDecisions) -> None:
    new = decisions.new_families
    if len(new.keluarga):
        fam = new.keluarga.copy()
        fam["_protected"] = False
        state.keluarga = pd.concat([state.keluarga, fam], ignore_index=True)
        state.individu = pd.concat([state.individu, new.individu], ignore_index=True)
    stop = decisions.stop_families.set_index("id_keluarga")["alasan_nonaktif"]
    _deactivate(state, state.keluarga["id_keluarga"].isin(stop.index).to_numpy(), stop)


def _deactivate(state: ProvinceState, mask: np.ndarray, reason: pd.Series | str) -> None:
    fam = state.keluarga
    fam.loc[mask, "status_aktif"] = False
    if isinstance(reason, str):
        fam.loc[mask, "alasan_nonaktif"] = reason
    else:
        fam.loc[mask, "alasan_nonaktif"] = fam.loc[mask, "id_keluarga"].map(reason).to_numpy()
    for col in PROGRAMMES:
        fam.loc[mask, col] = False
        fam.loc[mask, f"{col}_sejak"] = np.datetime64("NaT")
    ids = fam.loc[mask, "id_keluarga"]
    state.individu.loc[state.individu["id_keluarga"].isin(ids), "status_aktif"] = False


def _quarter_dates(rng: np.random.Generator, start: np.datetime64, end: np.datetime64, n: int) -> np.ndarray:
    return start + rng.integers(0, int((end - start).astype(int)), n).astype("timedelta64[D]")


def _deaths(rng: np.random.Generator, state: ProvinceState, start: np.datetime64, end: np.datetime64) -> None:
    ind = state.individu
    protected = ind["id_keluarga"].isin(state.keluarga.loc[state.keluarga["_protected"], "id_keluarga"]).to_numpy()
    alive = ind["keberadaan"].eq("ada").to_numpy() & ~protected
    age = (end - ind["tanggal_lahir"].to_numpy().astype("datetime64[D]")).astype(np.int64) / 365.25
    # Gompertz-like annual mortality: 0.08 % at 30, about 1 % at 60 and 5.6 % at 80; a quarter of it here.
    hazard = np.minimum(0.0008 * np.exp(0.085 * (age - 30)), 0.5) / 4
    dies = alive & (rng.random(len(ind)) < hazard)
    ind.loc[dies, "keberadaan"] = "meninggal"
    ind.loc[dies, "status_aktif"] = False
    ind.loc[dies, "tanggal_keberadaan"] = _quarter_dates(rng, start, end, int(dies.sum()))
    present = ind[ind["keberadaan"].eq("ada")].groupby("id_keluarga").size()
    fam = state.keluarga
    empty = ~fam["id_keluarga"].isin(present.index).to_numpy() & fam["status_aktif"].to_numpy() & ~fam["_protected"]
    _deactivate(state, empty, "meninggal")


def _moves(
    rng: np.random.Generator, state: ProvinceState, geo: ProvinceGeo, start: np.datetime64, end: np.datetime64
) -> None:
    fam = state.keluarga
    movable = fam["status_aktif"].to_numpy() & ~fam["_protected"].to_numpy()
    draw = rng.random(len(fam))
    leaves = movable & (draw < P_LEAVE_PROVINCE)
    moves = movable & (draw >= P_LEAVE_PROVINCE) & (draw < P_LEAVE_PROVINCE + P_MOVE)
    ids_leaving = fam.loc[leaves, "id_keluarga"]
    _deactivate(state, leaves, "pindah")
    leaving = state.individu["id_keluarga"].isin(ids_leaving) & state.individu["keberadaan"].eq("ada")
    state.individu.loc[leaving, "keberadaan"] = "pindah"
    state.individu.loc[leaving, "tanggal_keberadaan"] = _quarter_dates(rng, start, end, int(leaving.sum()))

    rows = np.flatnonzero(moves)
    if rows.size == 0:
        return
    old_desa = np.searchsorted(geo.kode_desa, fam["kode_desa"].to_numpy()[rows])
    other_kab = rng.random(rows.size) < P_MOVE_OTHER_KAB
    target = rng.integers(0, geo.kode_desa.size, rows.size)
    # Within the kab: a random desa of the same kab (desa of a kab are contiguous in the sorted code list).
    kab_first = np.searchsorted(geo.kode_kab, geo.kode_kab[old_desa], side="left")
    kab_last = np.searchsorted(geo.kode_kab, geo.kode_kab[old_desa], side="right")
    same_kab = kab_first + (rng.integers(0, 1 << 30, rows.size) % (kab_last - kab_first))
    new_desa = np.where(other_kab, target, same_kab)
    fam.loc[rows, "kode_desa"] = geo.kode_desa[new_desa]
    fam.loc[rows, "kode_kec"] = geo.kode_kec[new_desa]
    fam.loc[rows, "kode_kab"] = geo.kode_kab[new_desa]
    fam.loc[rows, "rt"] = np.char.zfill((1 + rng.integers(0, 12, rows.size)).astype(str), 3).astype(object)
    fam.loc[rows, "rw"] = np.char.zfill(
        (1 + rng.integers(0, 1 << 30, rows.size) % geo.n_rw[new_desa]).astype(str), 3
    ).astype(object)
    fam.loc[rows, "dusun"] = np.where(geo.kelurahan[new_desa], "-", fam["dusun"].to_numpy()[rows])
    street = STREETS[rng.integers(0, STREETS.size, rows.size)]
    fam.loc[rows, "alamat"] = (
        "JL. " + street + " NO. " + rng.integers(1, 180, rows.size).astype(str).astype(object)
    ).astype(str)
    moved = fam.iloc[rows].set_index("id_keluarga")
    ind = state.individu
    members = ind["id_keluarga"].isin(moved.index).to_numpy()
    for col in ("kode_kab", "kode_kec", "kode_desa", "dusun", "rt", "rw"):
        ind.loc[members, col] = ind.loc[members, "id_keluarga"].map(moved[col]).to_numpy()
    # Their NIK keep the old kecamatan: after a move to another kab the prefix no longer matches domicile.
    changed_kab = members & (ind["nik"].str.slice(0, 4).to_numpy() != ind["kode_kab"].to_numpy())
    ind.loc[changed_kab, "_cacat"] = ind.loc[changed_kab, "_cacat"].to_numpy() | NIK_BEDA_DOMISILI


def _graduation(rng: np.random.Generator, state: ProvinceState, end: np.datetime64) -> None:
    fam = state.keluarga
    desil = fam["desil"].fillna(0).to_numpy(dtype=np.int64)
    eligible = fam["status_aktif"].to_numpy() & ~fam["_protected"].to_numpy() & (desil >= 5)
    _deactivate(state, eligible & (rng.random(len(fam)) < P_GRADUATE), "mampu")


def _desil_moves(rng: np.random.Generator, state: ProvinceState, end: np.datetime64) -> None:
    fam = state.keluarga
    has_desil = fam["desil"].notna().to_numpy() & fam["status_aktif"].to_numpy()
    moving = has_desil & (rng.random(len(fam)) < P_DESIL_MOVE)
    step = np.where(rng.random(len(fam)) < 0.5, 1, -1)
    desil = fam["desil"].fillna(1).to_numpy(dtype=np.int64)
    new = np.clip(desil + step, 1, 10)
    fam.loc[moving, "desil"] = new[moving]
    fam.loc[moving, "status_kesejahteraan"] = STATUS_KESEJAHTERAAN[new[moving] - 1]
    redraw = (moving & (rng.random(len(fam)) < 0.3)) | (
        fam["status_aktif"].to_numpy() & (rng.random(len(fam)) < P_PROGRAMME_REDRAW)
    )
    redraw &= fam["desil"].notna().to_numpy()
    if redraw.any():
        sub = fam.loc[redraw]
        drawn = draw_programmes(
            rng, sub["desil"].to_numpy(dtype=np.int64), sub["_kelurahan"].to_numpy(), int(end.astype(np.int64))
        )
        for col in PROGRAMMES:
            kept = sub[col].to_numpy() & drawn[col]
            fam.loc[redraw, col] = drawn[col]
            fam.loc[redraw, f"{col}_sejak"] = np.where(kept, sub[f"{col}_sejak"].to_numpy(), drawn[f"{col}_sejak"])


def _births(
    rng: np.random.Generator, state: ProvinceState, start: np.datetime64, end: np.datetime64, period_index: int
) -> None:
    ind = state.individu
    age = (end - ind["tanggal_lahir"].to_numpy().astype("datetime64[D]")).astype(np.int64) / 365.25
    mothers = ind[
        ind["hubungan_keluarga"].eq("istri").to_numpy()
        & ind["keberadaan"].eq("ada").to_numpy()
        & ind["status_aktif"].to_numpy()
        & (age >= 18)
        & (age <= 42)
    ]
    mothers = mothers[rng.random(len(mothers)) < P_BIRTH]
    n = len(mothers)
    if n == 0:
        return
    fam = state.keluarga.set_index("id_keluarga")
    culture = fam.loc[mothers["id_keluarga"], "_culture"].to_numpy()
    female = rng.random(n) < 0.49
    born = _quarter_dates(rng, start, end, n)
    heads = ind[ind["hubungan_keluarga"].eq("kepala keluarga")].set_index("id_keluarga")["nama"]
    father = heads.reindex(mothers["id_keluarga"]).fillna("").to_numpy()
    year = born.astype("datetime64[Y]").astype(np.int64) + 1970
    given = names.sample_given_names(rng, culture, female, np.zeros(n, dtype=np.int64), birth_year=year)
    # A newborn of a marga tradition carries the father's marga: the last word of his name.
    marga = [
        f.split(" ")[-1] if names.CULTURES[c] in names.MARGA_CULTURES and " " in f else ""
        for f, c in zip(father, culture, strict=True)
    ]
    nama = np.asarray(names.full_names(given, pa.array(marga, type=pa.string()), female=female), dtype=object)
    baby = pd.DataFrame(
        {
            "id_dtks": np.arange(state.next_ids[1], state.next_ids[1] + n, dtype=np.int64),
            "id_keluarga": mothers["id_keluarga"].to_numpy(),
            "no_kk": mothers["no_kk"].to_numpy(),
            "nama": nama,
            "tempat_lahir": mothers["tempat_lahir"].to_numpy(),
            "tanggal_lahir": born,
            "jenis_kelamin": np.where(female, "P", "L"),
            "nama_ibu_kandung": mothers["nama"].to_numpy(),
            "hubungan_keluarga": "anak",
        }
    )
    state.next_ids[1] += n
    for col in ("kode_kab", "kode_kec", "kode_desa", "dusun", "rt", "rw"):
        baby[col] = mothers[col].to_numpy()
    baby["status_padan"] = np.where(rng.random(n) < 0.6, "padan", "belum padan")
    for col in SULIT:
        baby[col] = False
    baby["penyakit_kronis"] = pd.array([None] * n, dtype="str")
    baby["pendidikan_tertinggi"] = "tidak punya ijazah"
    baby["partisipasi_sekolah"] = "belum sekolah"
    baby["pekerjaan"] = "tidak bekerja"
    baby["keberadaan"] = "ada"
    baby["tanggal_keberadaan"] = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    baby["status_aktif"] = True
    # Serial ranges per period keep newborn NIK distinct from those issued for earlier periods.
    baby["nik"] = make_nik(
        baby["kode_kec"].to_numpy(), born.astype(np.int64), female, serial_base=5000 + 100 * period_index
    )
    baby["_cacat"] = np.zeros(n, dtype=np.int16)
    state.individu = pd.concat([ind, baby], ignore_index=True)


def _verivali(
    rng: np.random.Generator, state: ProvinceState, geo: ProvinceGeo, start: np.datetime64, end: np.datetime64
) -> None:
    fam = state.keluarga
    kab_pos = np.searchsorted(geo.kab_codes, fam["kode_kab"].to_numpy())
    # Kab/kota with stale data verify less often: a quarter's chance scales with 6 / their mean staleness.
    p = np.clip(0.25 * 6.0 / geo.kab_stale[kab_pos], 0.02, 0.5)
    hit = fam["status_aktif"].to_numpy() & (rng.random(len(fam)) < p)
    fam.loc[hit, "tanggal_verivali"] = _quarter_dates(rng, start, end, int(hit.sum()))


def _refresh_family_counts(state: ProvinceState) -> None:
    ind = state.individu
    present = ind[ind["keberadaan"].eq("ada")].groupby("id_keluarga").size()
    fam = state.keluarga
    fam["jumlah_art"] = fam["id_keluarga"].map(present).fillna(0).astype(np.int16)


def new_state(batch: Batch, next_ids: list[int]) -> ProvinceState:
    """Wrap a freshly generated base population."""
    fam = batch.keluarga
    fam["_protected"] = False
    return ProvinceState(keluarga=fam, individu=batch.individu, next_ids=next_ids)
