"""What happens to a province's register between two quarterly snapshots.

Rows made inactive in a snapshot stay visible in it (status_aktif false, with a reason) and are gone from the
next one. Families protected because they hold an injected defect never churn, so the defects stay known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from portal.demo import names
from portal.demo.columns import Columns
from portal.demo.defects import NIK_BEDA_DOMISILI
from portal.demo.households import (
    ADA,
    ANAK,
    BELUM_SEKOLAH,
    ISTRI,
    KEPALA,
    MENINGGAL,
    NO_DUSUN,
    PINDAH,
    STREETS,
    TIDAK_BEKERJA,
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

    keluarga: Columns
    individu: Columns
    next_ids: list[int]  # [next family id, next person id]
    # (family ids, person family ids, each person's family row), reused while neither id column is replaced
    rows_cache: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


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
    _drop_inactive_add_new(state, decisions)
    mark_protected(state)
    _apply_stops(state, decisions)
    _deaths(rng, state, start, end)
    _moves(rng, state, geo, start, end)
    _graduation(rng, state, end)
    _desil_moves(rng, state, end)
    _births(rng, state, geo, start, end, period_index)
    _verivali(rng, state, geo, start, end)
    _refresh_family_counts(state)


def family_rows(fam_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Row of each id of `ids` in the families' id column (ids ascending: families are appended with ever
    larger ids and dropped in order); -1 where the id is not there."""
    pos = np.searchsorted(fam_ids, ids)
    found = pos < fam_ids.size
    found[found] = fam_ids[pos[found]] == ids[found]
    return np.where(found, pos, -1)


def _members_of(state: ProvinceState, fam_mask: np.ndarray) -> np.ndarray:
    """Whether each person belongs to a family where `fam_mask` is true."""
    row = person_family_rows(state)
    return (row >= 0) & fam_mask[np.maximum(row, 0)]


def person_family_rows(state: ProvinceState) -> np.ndarray:
    """Each person's row in keluarga (-1 if none), computed again only when a table was replaced."""
    fam_ids, ind_ids = state.keluarga["id_keluarga"], state.individu["id_keluarga"]
    cached = state.rows_cache
    if cached is None or cached[0] is not fam_ids or cached[1] is not ind_ids:
        state.rows_cache = cached = (fam_ids, ind_ids, family_rows(fam_ids, ind_ids))
    return cached[2]


def _drop_inactive_add_new(state: ProvinceState, decisions: QuarterDecisions) -> None:
    """Rows made inactive in the last snapshot leave; the families of usulan that reach this one arrive (one
    copy of each table for both)."""
    fam, ind = state.keluarga, state.individu
    keberadaan = ind["keberadaan"]
    left = ((keberadaan == MENINGGAL) | (keberadaan == PINDAH)) & ~ind["status_aktif"]
    gone = _members_of(state, ~fam["status_aktif"])
    new = decisions.new_families
    new.keluarga["_protected"] = np.zeros(len(new.keluarga), dtype=bool)
    state.individu = ind.take_append(~gone & ~left, new.individu)
    state.keluarga = fam.take_append(fam["status_aktif"], new.keluarga)


def mark_protected(state: ProvinceState) -> None:
    """Flag families holding an injected defect so no churn touches them."""
    ind, fam = state.individu, state.keluarga
    flagged = family_rows(fam["id_keluarga"], ind["id_keluarga"][ind["_cacat"] != 0])
    protected = fam["_cacat"] != 0
    protected[flagged[flagged >= 0]] = True
    fam["_protected"] = protected


def _apply_stops(state: ProvinceState, decisions: QuarterDecisions) -> None:
    stop = decisions.stop_families
    rows = family_rows(state.keluarga["id_keluarga"], stop["id_keluarga"])
    mask = np.zeros(len(state.keluarga), dtype=bool)
    mask[rows[rows >= 0]] = True
    reason = np.empty(len(state.keluarga), dtype=object)
    reason[rows[rows >= 0]] = stop["alasan_nonaktif"][rows >= 0]
    _deactivate(state, mask, reason)


def _deactivate(state: ProvinceState, mask: np.ndarray, reason: np.ndarray | str) -> None:
    fam = state.keluarga
    fam["status_aktif"][mask] = False
    fam["alasan_nonaktif"][mask] = reason if isinstance(reason, str) else reason[mask]
    for col in PROGRAMMES:
        fam[col][mask] = False
        fam[f"{col}_sejak"][mask] = np.datetime64("NaT")
    state.individu["status_aktif"][_members_of(state, mask)] = False


def _quarter_dates(rng: np.random.Generator, start: np.datetime64, end: np.datetime64, n: int) -> np.ndarray:
    return start + rng.integers(0, int((end - start).astype(int)), n).astype("timedelta64[D]")


def _deaths(rng: np.random.Generator, state: ProvinceState, start: np.datetime64, end: np.datetime64) -> None:
    ind, fam = state.individu, state.keluarga
    protected = _members_of(state, fam["_protected"])
    alive = (ind["keberadaan"] == ADA) & ~protected
    age = (end - ind["tanggal_lahir"].astype("datetime64[D]")).astype(np.int64) / 365.25
    # Gompertz-like annual mortality: 0.08 % at 30, about 1 % at 60 and 5.6 % at 80; a quarter of it here.
    hazard = np.minimum(0.0008 * np.exp(0.085 * (age - 30)), 0.5) / 4
    dies = alive & (rng.random(len(ind)) < hazard)
    ind["keberadaan"][dies] = MENINGGAL
    ind["status_aktif"][dies] = False
    ind["tanggal_keberadaan"][dies] = _quarter_dates(rng, start, end, int(dies.sum()))
    present = _present_per_family(state) > 0
    empty = ~present & fam["status_aktif"] & ~fam["_protected"]
    _deactivate(state, empty, "meninggal")


def _present_per_family(state: ProvinceState) -> np.ndarray:
    """Members of each family whose keberadaan is 'ada'."""
    ind = state.individu
    row = person_family_rows(state)
    here = (ind["keberadaan"] == ADA) & (row >= 0)
    return np.bincount(row[here], minlength=len(state.keluarga))


def _moves(
    rng: np.random.Generator, state: ProvinceState, geo: ProvinceGeo, start: np.datetime64, end: np.datetime64
) -> None:
    fam = state.keluarga
    movable = fam["status_aktif"] & ~fam["_protected"]
    draw = rng.random(len(fam))
    leaves = movable & (draw < P_LEAVE_PROVINCE)
    moves = movable & (draw >= P_LEAVE_PROVINCE) & (draw < P_LEAVE_PROVINCE + P_MOVE)
    _deactivate(state, leaves, "pindah")
    ind = state.individu
    leaving = _members_of(state, leaves) & (ind["keberadaan"] == ADA)
    ind["keberadaan"][leaving] = PINDAH
    ind["tanggal_keberadaan"][leaving] = _quarter_dates(rng, start, end, int(leaving.sum()))

    rows = np.flatnonzero(moves)
    if rows.size == 0:
        return
    old_desa = fam["_desa"][rows]
    other_kab = rng.random(rows.size) < P_MOVE_OTHER_KAB
    target = rng.integers(0, geo.kode_desa.size, rows.size)
    # Within the kab: a random desa of the same kab (desa of a kab are contiguous in the sorted code list).
    kab_first = np.searchsorted(geo.kab_index, geo.kab_index[old_desa], side="left")
    kab_last = np.searchsorted(geo.kab_index, geo.kab_index[old_desa], side="right")
    same_kab = kab_first + (rng.integers(0, 1 << 30, rows.size) % (kab_last - kab_first))
    new_desa = np.where(other_kab, target, same_kab)
    fam["_desa"][rows] = new_desa
    fam["rt"][rows] = 1 + rng.integers(0, 12, rows.size)
    fam["rw"][rows] = 1 + rng.integers(0, 1 << 30, rows.size) % geo.n_rw[new_desa]
    fam["dusun"][rows] = np.where(geo.kelurahan[new_desa], NO_DUSUN, fam["dusun"][rows])
    street = STREETS[rng.integers(0, STREETS.size, rows.size)]
    fam["alamat"][rows] = "JL. " + street + " NO. " + rng.integers(1, 180, rows.size).astype(str).astype(object)
    moved = np.zeros(len(fam), dtype=bool)
    moved[rows] = True
    row = person_family_rows(state)
    members = np.flatnonzero((row >= 0) & moved[np.maximum(row, 0)])
    for col in ("_desa", "dusun", "rt", "rw"):
        ind[col][members] = fam[col][row[members]]
    # Their NIK keep the old kecamatan: after a move to another kab the prefix no longer matches domicile.
    prefix = np.array([nik[:4] for nik in ind["nik"].take(pa.array(members)).to_pylist()], dtype=object)
    changed_kab = members[prefix != geo.kode_kab[ind["_desa"][members]]]
    ind["_cacat"][changed_kab] |= NIK_BEDA_DOMISILI


def _graduation(rng: np.random.Generator, state: ProvinceState, end: np.datetime64) -> None:
    fam = state.keluarga
    eligible = fam["status_aktif"] & ~fam["_protected"] & (fam["desil"] >= 5)
    _deactivate(state, eligible & (rng.random(len(fam)) < P_GRADUATE), "mampu")


def _desil_moves(rng: np.random.Generator, state: ProvinceState, end: np.datetime64) -> None:
    fam = state.keluarga
    n = len(fam)
    has_desil = fam["desil"] != 0
    moving = has_desil & fam["status_aktif"] & (rng.random(n) < P_DESIL_MOVE)
    step = np.where(rng.random(n) < 0.5, 1, -1)
    new = np.clip(np.where(has_desil, fam["desil"], 1).astype(np.int64) + step, 1, 10)
    fam["desil"][moving] = new[moving]  # status_kesejahteraan is written from desil
    redraw = (moving & (rng.random(n) < 0.3)) | (fam["status_aktif"] & (rng.random(n) < P_PROGRAMME_REDRAW))
    redraw &= has_desil
    if redraw.any():
        drawn = draw_programmes(
            rng, fam["desil"][redraw].astype(np.int64), fam["_kelurahan"][redraw], int(end.astype(np.int64))
        )
        for col in PROGRAMMES:
            kept = fam[col][redraw] & drawn[col]
            since = fam[f"{col}_sejak"][redraw]
            fam[col][redraw] = drawn[col]
            fam[f"{col}_sejak"][redraw] = np.where(kept, since, drawn[f"{col}_sejak"])


def _births(
    rng: np.random.Generator,
    state: ProvinceState,
    geo: ProvinceGeo,
    start: np.datetime64,
    end: np.datetime64,
    period_index: int,
) -> None:
    ind = state.individu
    age = (end - ind["tanggal_lahir"].astype("datetime64[D]")).astype(np.int64) / 365.25
    candidates = np.flatnonzero(
        (ind["hubungan_keluarga"] == ISTRI)
        & (ind["keberadaan"] == ADA)
        & ind["status_aktif"]
        & (age >= 18)
        & (age <= 42)
    )
    mothers = ind.take(candidates[rng.random(candidates.size) < P_BIRTH])
    n = len(mothers)
    if n == 0:
        return
    fam = state.keluarga
    culture = fam["_culture"][family_rows(fam["id_keluarga"], mothers["id_keluarga"])]
    female = rng.random(n) < 0.49
    born = _quarter_dates(rng, start, end, n)
    head_rows = np.flatnonzero(ind["hubungan_keluarga"] == KEPALA)
    head_family = ind["id_keluarga"][head_rows]
    order = np.argsort(head_family, kind="stable")
    at = family_rows(head_family[order], mothers["id_keluarga"])
    heads = ind["nama"].take(pa.array(head_rows[order][np.maximum(at, 0)])).to_pylist()
    father = ["" if a < 0 else h for a, h in zip(at.tolist(), heads, strict=True)]
    year = born.astype("datetime64[Y]").astype(np.int64) + 1970
    given = names.sample_given_names(rng, culture, female, np.zeros(n, dtype=np.int64), birth_year=year)
    # A newborn of a marga tradition carries the father's marga: the last word of his name.
    marga = [
        f.split(" ")[-1] if names.CULTURES[c] in names.MARGA_CULTURES and " " in f else ""
        for f, c in zip(father, culture, strict=True)
    ]
    nama = names.full_names(given, pa.array(marga, type=pa.string()), female=female)
    baby = Columns(
        {
            "id_dtks": np.arange(state.next_ids[1], state.next_ids[1] + n, dtype=np.int64),
            "id_keluarga": mothers["id_keluarga"],
            "nama": nama,
            "tempat_lahir": mothers["tempat_lahir"],
            "tanggal_lahir": born,
            "jenis_kelamin": female.astype(np.int8),
            "nama_ibu_kandung": mothers["nama"],
            "hubungan_keluarga": np.full(n, ANAK, dtype=np.int8),
        }
    )
    state.next_ids[1] += n
    for col in ("_desa", "dusun", "rt", "rw"):
        baby[col] = mothers[col]
    baby["status_padan"] = (rng.random(n) < 0.6).astype(np.int8)
    for col in SULIT:
        baby[col] = np.zeros(n, dtype=bool)
    baby["penyakit_kronis"] = np.zeros(n, dtype=np.int8)  # none
    baby["pendidikan_tertinggi"] = np.zeros(n, dtype=np.int8)  # tidak punya ijazah
    baby["partisipasi_sekolah"] = np.full(n, BELUM_SEKOLAH, dtype=np.int8)
    baby["pekerjaan"] = np.full(n, TIDAK_BEKERJA, dtype=np.int8)
    baby["keberadaan"] = np.full(n, ADA, dtype=np.int8)
    baby["tanggal_keberadaan"] = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    baby["status_aktif"] = np.ones(n, dtype=bool)
    # Serial ranges per period keep newborn NIK distinct from those issued for earlier periods.
    baby["nik"] = make_nik(
        geo.kode_kec[baby["_desa"]], born.astype(np.int64), female, serial_base=5000 + 100 * period_index
    )
    baby["_cacat"] = np.zeros(n, dtype=np.int16)
    state.individu = Columns.concat([ind, baby])


def _verivali(
    rng: np.random.Generator, state: ProvinceState, geo: ProvinceGeo, start: np.datetime64, end: np.datetime64
) -> None:
    fam = state.keluarga
    kab_pos = geo.kab_index[fam["_desa"]]
    # Kab/kota with stale data verify less often: a quarter's chance scales with 6 / their mean staleness.
    p = np.clip(0.25 * 6.0 / geo.kab_stale[kab_pos], 0.02, 0.5)
    hit = fam["status_aktif"] & (rng.random(len(fam)) < p)
    fam["tanggal_verivali"][hit] = _quarter_dates(rng, start, end, int(hit.sum()))


def _refresh_family_counts(state: ProvinceState) -> None:
    state.keluarga["jumlah_art"] = _present_per_family(state).astype(np.int16)


def new_state(batch: Batch, next_ids: list[int]) -> ProvinceState:
    """Wrap a freshly generated base population."""
    fam = batch.keluarga
    fam["_protected"] = np.zeros(len(fam), dtype=bool)
    return ProvinceState(keluarga=fam, individu=batch.individu, next_ids=next_ids)
