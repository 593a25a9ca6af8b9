"""How many families each kab/kota gets: population × a register share that rises with the poverty rate."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portal.wilayah import load_code_tables

# Kab/kota generated at their full realistic size in the default demo: Kepulauan Seribu and Jakarta Pusat
# (DKI Jakarta) and Kota Yogyakarta (DIY), where desa boundaries exist, so desa lists hold hundreds of people.
DEFAULT_DENSE = ("3101", "3171", "3471")
DEFAULT_INDIVIDUALS = 1_200_000
MEAN_FAMILY_SIZE = 3.7
# The register holds about a third of the population (≈95 M of 285 M) at the national P0 of ≈9 %; poorer
# kab/kota have a larger share in it. share = 0.13 + 0.022 × P0, bounded to [0.12, 0.75].
SHARE_INTERCEPT, SHARE_SLOPE, SHARE_MIN, SHARE_MAX = 0.13, 0.022, 0.12, 0.75
MIN_FAMILIES_PER_KEC = 2


class PlanError(ValueError):
    """The options ask for a register that cannot be built."""


@dataclass(frozen=True)
class Plan:
    """Per-kab/kota targets plus the options they came from."""

    kab: pd.DataFrame  # kode_kab, kode_prov, penduduk, p0, register_penuh, keluarga, faktor_skala, padat
    provinces: tuple[str, ...]

    @property
    def total_families(self) -> int:
        """Families in the first period over all provinces."""
        return int(self.kab["keluarga"].sum())


def register_share(p0: np.ndarray) -> np.ndarray:
    """Share of a kab/kota's population in the register, from its BPS poverty rate (percent)."""
    return np.clip(SHARE_INTERCEPT + SHARE_SLOPE * p0, SHARE_MIN, SHARE_MAX)


def make_plan(
    stats: pd.DataFrame,
    individuals: int,
    provinces: tuple[str, ...] | None,
    dense: tuple[str, ...],
) -> Plan:
    """Spread `individuals` over kab/kota: dense ones at full size, the rest scaled down evenly."""
    if individuals <= 0:
        raise PlanError(f"--individuals must be positive, got {individuals}")
    codes = load_code_tables()
    known_prov = set(codes["provinsi"]["kode_prov"])
    if provinces:
        unknown = sorted(set(provinces) - known_prov)
        if unknown:
            raise PlanError(f"unknown province code(s): {', '.join(unknown)} (expected two digits such as 31, 34)")
    chosen = tuple(sorted(provinces)) if provinces else tuple(sorted(known_prov))
    unknown_dense = sorted(set(dense) - set(codes["kabupaten"]["kode_kab"]))
    if unknown_dense:
        raise PlanError(f"unknown kab/kota code(s) for --dense: {', '.join(unknown_dense)}")

    kab = stats[stats["kode_prov"].isin(chosen)].copy()
    kec_count = codes["kecamatan"].groupby("kode_kab").size()
    kab["jumlah_kecamatan"] = kab["kode_kab"].map(kec_count).astype("int64")
    kab["register_penuh"] = np.round(kab["penduduk"] * register_share(kab["p0"].to_numpy())).astype("int64")
    kab["padat"] = kab["kode_kab"].isin(dense)

    dense_total = int(kab.loc[kab["padat"], "register_penuh"].sum())
    rest_total = int(kab.loc[~kab["padat"], "register_penuh"].sum())
    if individuals >= dense_total + (1 if rest_total else 0):
        dense_factor = 1.0
        rest_factor = (individuals - dense_total) / rest_total if rest_total else 0.0
    else:  # too small for the dense kab/kota at full size: scale everything alike
        dense_factor = rest_factor = individuals / (dense_total + rest_total)
    factor = np.where(kab["padat"], dense_factor, min(rest_factor, 1.0))
    target = kab["register_penuh"].to_numpy() * factor
    families = np.maximum(np.round(target / MEAN_FAMILY_SIZE), 1).astype("int64")
    # Complete kecamatan maps: one family per kecamatan at least, whenever the budget can pay for it.
    if kab["jumlah_kecamatan"].sum() * MEAN_FAMILY_SIZE <= individuals:
        families = np.maximum(families, kab["jumlah_kecamatan"].to_numpy())
    kab["keluarga"] = families
    # How many real families one synthetic family stands for: coverage indicators multiply by it.
    kab["faktor_skala"] = np.round(kab["register_penuh"] / (families * MEAN_FAMILY_SIZE), 4)
    kab = kab.sort_values("kode_kab").reset_index(drop=True)
    return Plan(kab=kab, provinces=chosen)
