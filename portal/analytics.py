"""Indicators behind the internal analysis pages (Kemiskinan Ekstrem, Kualitas Data, Perubahan Antar Periode):
pure functions of query results, no Streamlit here.

Definitions used on the pages:

- sasaran: active families in desil 1 (or desil 1–2 when the page's toggle says so);
- eksklusi (exclusion error): sasaran families receiving no programme (PKH, BPNT, PBI-JK or BLT-DD), as a
  count (the "gap" that kecamatan are ranked by) and as a share of sasaran;
- inklusi (inclusion error): active families in desil 6–10 receiving a programme, as a count and as a share of
  all active desil 6–10 families, for any programme and per programme;
- P0: the BPS share of people below the poverty line (Susenas March 2024), published per kab/kota; for a
  provinsi or the nation it is the population-weighted mean of its kab/kota (an estimate, not BPS's figure).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portal.indicators import share
from portal.regions import level_of

PROGRAMMES: dict[str, str] = {"pkh": "PKH", "bpnt": "BPNT", "pbi_jk": "PBI-JK", "blt_dd": "BLT-DD"}


def _num(rows: pd.DataFrame, column: str) -> pd.Series:
    if column not in rows:
        raise ValueError(f"rollup rows lack the column {column!r}: rebuild the register's rollups")
    return pd.to_numeric(rows[column], errors="coerce").fillna(0).astype("int64")


# ---------------------------------------------------------------------------------------------------------------
# Kemiskinan Ekstrem


def poverty_columns(sasaran: str) -> dict[str, str]:
    """Column → heading of a poverty_table shown to officials; `sasaran` names the target ('desil 1', 'desil 1–2')."""
    return {
        "kode": "Kode",
        "nama": "Wilayah",
        "keluarga_aktif": "Keluarga aktif",
        "sasaran": f"Keluarga {sasaran}",
        "tanpa_program": "Tanpa program",
        "eksklusi_persen": "Eksklusi (%)",
        "keluarga_d6_10": "Keluarga desil 6–10",
        "inklusi": "Desil 6–10 menerima",
        "inklusi_persen": "Inklusi (%)",
        "p0": "P0 BPS (%)",
    }


def inclusion_columns() -> dict[str, str]:
    """Column → heading of a poverty_table's inclusion per programme (count and share of desil 6–10 families)."""
    columns = {"kode": "Kode", "nama": "Wilayah", "keluarga_d6_10": "Keluarga desil 6–10"}
    for program, label in PROGRAMMES.items():
        columns[f"inklusi_{program}"] = label
        columns[f"inklusi_{program}_persen"] = f"{label} (%)"
    return columns


def poverty_table(rows: pd.DataFrame, desil_1_only: bool = True) -> pd.DataFrame:
    """Per rollup row: sasaran (desil 1, or 1–2), tanpa_program (exclusion count) and eksklusi_persen, and the
    inclusion error overall (inklusi, inklusi_persen) and per programme (inklusi_<program>, …_persen)."""
    sasaran = _num(rows, "desil_1") if desil_1_only else _num(rows, "keluarga_d1_2")
    tanpa = _num(rows, "eksklusi_d1") if desil_1_only else _num(rows, "eksklusi")
    kaya = _num(rows, "keluarga_d6_10")
    out = pd.DataFrame(
        {
            "kode": rows["kode"].astype(str),
            "nama": rows["nama"].astype(str),
            "keluarga_aktif": _num(rows, "keluarga_aktif"),
            "sasaran": sasaran,
            "sasaran_persen": share(sasaran, _num(rows, "keluarga_aktif")),
            "tanpa_program": tanpa,
            "eksklusi_persen": share(tanpa, sasaran),
            "keluarga_d6_10": kaya,
            "inklusi": _num(rows, "inklusi"),
            "inklusi_persen": share(_num(rows, "inklusi"), kaya),
        }
    )
    for program in PROGRAMMES:
        count = _num(rows, f"inklusi_{program}")
        out[f"inklusi_{program}"] = count
        out[f"inklusi_{program}_persen"] = share(count, kaya)
    return out.reset_index(drop=True)


def p0_by_region(kab: pd.DataFrame, tingkat: str) -> pd.Series:
    """BPS P0 (percent) per region of `tingkat` from the kab/kota rows (kode_kab, kode_prov, penduduk, p0):
    as published for kabupaten, the population-weighted mean for provinsi and the nation; empty below kab/kota,
    where BPS publishes no P0."""
    if tingkat not in ("nasional", "provinsi", "kabupaten"):
        return pd.Series(dtype=float, name="p0")
    frame = kab.assign(
        p0=pd.to_numeric(kab["p0"], errors="coerce"), penduduk=pd.to_numeric(kab["penduduk"], errors="coerce")
    ).dropna(subset=["p0", "penduduk"])
    if tingkat == "kabupaten":
        return pd.Series(frame["p0"].to_numpy(dtype=float), index=frame["kode_kab"].astype(str), name="p0")
    key = frame["kode_prov"].astype(str) if tingkat == "provinsi" else pd.Series("", index=frame.index)
    poor = (frame["p0"] * frame["penduduk"]).groupby(key).sum()
    people = frame["penduduk"].groupby(key).sum()
    return (poor / people.where(people > 0)).rename("p0").astype(float)


def region_p0(kab: pd.DataFrame, kode: str) -> float:
    """P0 of the region itself: as p0_by_region for the nation, a provinsi or a kab/kota; for a kecamatan or desa
    the P0 of its kab/kota (BPS publishes nothing below). NaN when unknown."""
    tingkat = level_of(kode)
    if tingkat in ("kecamatan", "desa"):
        tingkat, kode = "kabupaten", kode[:4]
    value = p0_by_region(kab, tingkat).get(kode)
    return float(value) if value is not None and np.isfinite(value) else float("nan")


@dataclass(frozen=True)
class MapIndicator:
    """What a Kemiskinan Ekstrem map shows: a poverty_table column, its label and unit, and its direction."""

    column: str
    label: str
    unit: str
    higher_is_better: bool
    decimals: int = 1


POVERTY_INDICATORS: tuple[MapIndicator, ...] = (
    MapIndicator("eksklusi_persen", "Sasaran tanpa program apa pun (eksklusi)", "%", False),
    MapIndicator("tanpa_program", "Keluarga sasaran tanpa program", "keluarga", False, 0),
    MapIndicator("inklusi_persen", "Desil 6–10 penerima program (inklusi)", "%", False),
    MapIndicator("sasaran_persen", "Keluarga sasaran per keluarga aktif", "%", False),
    MapIndicator("p0", "Penduduk miskin BPS (P0)", "%", False, 2),
)


def rank_by_gap(table: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """Regions of a poverty_table ordered by the gap: most sasaran families without any programme first, then
    the higher exclusion rate, then the code (a stable order for ties)."""
    ranked = table.assign(_rate=table["eksklusi_persen"].fillna(-1.0)).sort_values(
        ["tanpa_program", "_rate", "kode"], ascending=[False, False, True], kind="mergesort"
    )
    ranked = ranked.drop(columns="_rate").reset_index(drop=True)
    return ranked.head(top) if top is not None else ranked


def poverty_trend(trend: pd.DataFrame, desil_1_only: bool = True) -> pd.DataFrame:
    """A region's poverty_table over periods (rows of rollup_region_trend), with a periode column, oldest first."""
    if trend.empty:
        return pd.DataFrame(columns=["periode", "sasaran", "tanpa_program", "eksklusi_persen", "inklusi_persen"])
    table = poverty_table(trend, desil_1_only)
    table.insert(0, "periode", trend["periode"].astype(str).to_numpy())
    return table.sort_values("periode").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------------
# Kualitas Data


@dataclass(frozen=True)
class Check:
    """A data-quality check: its label and short column title, the rollup column that counts it, what it counts
    (individu or keluarga), the denominator of its rate and the query that lists its rows."""

    label: str
    short: str
    column: str
    unit: str
    denominator: str
    rows_query: str


_PERSONS, _FAMILIES = "quality_person_rows", "quality_family_rows"
CHECKS: dict[str, Check] = {
    "nik_tidak_valid": Check(
        "NIK tidak valid (struktur salah)", "NIK tidak valid", "nik_tidak_valid", "individu", "individu", _PERSONS
    ),
    "nik_beda_domisili": Check(
        "NIK terbit di kab/kota lain dari domisili",
        "NIK beda domisili",
        "nik_beda_domisili",
        "individu",
        "individu",
        _PERSONS,
    ),
    "nik_ganda": Check(
        "NIK sama di lebih dari satu keluarga atau wilayah",
        "NIK ganda",
        "nik_ganda_keluarga",
        "individu",
        "individu",
        _PERSONS,
    ),
    "meninggal_aktif": Check(
        "Meninggal tetapi masih aktif", "Meninggal aktif", "meninggal_aktif", "individu", "individu_aktif", _PERSONS
    ),
    "desil_kosong": Check(
        "Keluarga aktif tanpa desil", "Tanpa desil", "desil_kosong", "keluarga", "keluarga_aktif", _FAMILIES
    ),
    "verivali_lewat": Check(
        "Keluarga aktif belum diverivali lebih dari N bulan",
        "Verivali > N bulan",
        "verivali_lewat",
        "keluarga",
        "keluarga_aktif",
        _FAMILIES,
    ),
}


def check_label(cek: str, months: int, short: bool = False) -> str:
    """The label (or short column title) of a check, with the chosen number of months where it has one."""
    text = CHECKS[cek].short if short else CHECKS[cek].label
    return text.replace("N bulan", f"{months} bulan")


def quality_scorecard(rows: pd.DataFrame, verivali: pd.DataFrame) -> pd.DataFrame:
    """Per region: individu, keluarga_aktif, and for every check its count (column = the check's key) and its
    rate in percent (`<key>_persen`). `rows` are rollup rows; `verivali` holds kode and verivali_lewat from
    quality_verivali_children (regions missing there have no active family, hence 0)."""
    out = pd.DataFrame(
        {
            "kode": rows["kode"].astype(str),
            "nama": rows["nama"].astype(str),
            "individu": _num(rows, "individu"),
            "individu_aktif": _num(rows, "individu_aktif"),
            "keluarga_aktif": _num(rows, "keluarga_aktif"),
        }
    ).reset_index(drop=True)
    late = verivali.assign(kode=verivali["kode"].astype(str)).set_index("kode")["verivali_lewat"]
    for key, check in CHECKS.items():
        if key == "verivali_lewat":
            count = out["kode"].map(late).fillna(0).astype("int64")
        else:
            count = _num(rows, check.column).reset_index(drop=True)
        out[key] = count
        out[f"{key}_persen"] = share(count, out[check.denominator])
    return out


# ---------------------------------------------------------------------------------------------------------------
# Perubahan Antar Periode

FAMILY_CHANGES: tuple[str, ...] = (
    "ditambahkan",
    "dikeluarkan",
    "pindah masuk",
    "pindah keluar",
    "desil naik",
    "desil turun",
)
PERSON_CHANGES: tuple[str, ...] = ("ditambahkan", "dikeluarkan", "pindah masuk", "pindah keluar")
PROGRAMME_CHANGES: tuple[str, ...] = tuple(f"{p} {what}" for p in PROGRAMMES for what in ("mulai", "berhenti"))


CHANGE_LABELS: dict[str, str] = {
    "kode": "Kode",
    "nama": "Wilayah",
    **{change: change.capitalize() for change in FAMILY_CHANGES},
    **{f"{p} {what}": f"{label} {what}" for p, label in PROGRAMMES.items() for what in ("mulai", "berhenti")},
    "perubahan": "Perubahan",
    "alasan": "Alasan",
    "jumlah": "Jumlah",
}


def change_table(changes: pd.DataFrame, objek: str, regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Counts per child region (rows) and change (columns) for `objek` ('keluarga' or 'individu') from the
    long rows of period_changes; regions (kode, nama) without a change get zeros, and a `nama` column."""
    columns = FAMILY_CHANGES + PROGRAMME_CHANGES if objek == "keluarga" else PERSON_CHANGES
    part = changes[changes["objek"] == objek]
    wide = part.pivot_table(index="kode", columns="perubahan", values="jumlah", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=list(columns), fill_value=0)
    if regions is not None:
        codes = list(dict.fromkeys([*regions["kode"].astype(str), *wide.index.astype(str)]))
        wide = wide.reindex(codes, fill_value=0)
        names = regions.assign(kode=regions["kode"].astype(str)).set_index("kode")["nama"]
        wide.insert(0, "nama", [names.get(k, k) for k in wide.index])
    wide.index.name = "kode"
    wide.columns.name = None
    return wide.reset_index().astype({c: "int64" for c in columns})


def change_reasons(changes: pd.DataFrame, objek: str) -> pd.DataFrame:
    """Families or people added and removed by reason, summed over the child regions: perubahan, alasan, jumlah
    (largest first within each change)."""
    part = changes[(changes["objek"] == objek) & changes["perubahan"].isin(["ditambahkan", "dikeluarkan"])]
    out = part.groupby(["perubahan", "alasan"], as_index=False)["jumlah"].sum()
    out["jumlah"] = out["jumlah"].astype("int64")
    order = {"ditambahkan": 0, "dikeluarkan": 1}
    return (
        out.assign(_o=out["perubahan"].map(order))
        .sort_values(["_o", "jumlah", "alasan"], ascending=[True, False, True], kind="mergesort")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def funnel_by_region(funnel: pd.DataFrame, length: int, regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The per-desa funnel (usulan_funnel) summed per region whose code is the first `length` digits of the desa
    code: kode, [nama,] diusulkan, masuk, hilang, masuk_persen; largest number of lost proposals first."""
    keyed = funnel.assign(kode=funnel["kode_desa"].astype(str).str[:length])
    out = keyed.groupby("kode", as_index=False)[["diusulkan", "masuk", "hilang"]].sum()
    out = out.astype({"diusulkan": "int64", "masuk": "int64", "hilang": "int64"})
    if regions is not None:
        names = regions.assign(kode=regions["kode"].astype(str)).set_index("kode")["nama"]
        out.insert(1, "nama", [names.get(k, k) for k in out["kode"]])
    out["masuk_persen"] = share(out["masuk"], out["diusulkan"])
    return out.sort_values(["hilang", "kode"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def funnel_stages(funnel: pd.DataFrame) -> pd.DataFrame:
    """The funnel's totals as stages for a chart: tahap, jumlah (approved, appeared in the register, lost)."""
    total = {
        col: int(pd.to_numeric(funnel[col]).sum()) if len(funnel) else 0 for col in ("diusulkan", "masuk", "hilang")
    }
    return pd.DataFrame(
        {
            "tahap": ["Disetujui musdes", "Masuk register", "Usulan hilang"],
            "jumlah": [total["diusulkan"], total["masuk"], total["hilang"]],
        }
    )


def previous_and_latest(periods: list[str] | tuple[str, ...]) -> tuple[str, str] | None:
    """The default pair of periods to compare: the one before the newest, and the newest (None if fewer than 2)."""
    ordered = sorted(periods)
    return (ordered[-2], ordered[-1]) if len(ordered) >= 2 else None


def consecutive(periods: list[str] | tuple[str, ...], dari: str, ke: str) -> bool:
    """True when `dari` is the period just before `ke` among the register's periods."""
    ordered = sorted(periods)
    return ke in ordered and dari in ordered and ordered.index(ke) - ordered.index(dari) == 1
