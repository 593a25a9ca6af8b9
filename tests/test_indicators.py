"""Indicators over rollup rows (portal.indicators): the percentage helper and the map indicators, worked out by
hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal import indicators


def test_share_is_nan_for_an_empty_whole() -> None:
    assert indicators.share(1, 4) == 25.0
    assert np.isnan(indicators.share(1, 0))
    out = indicators.share(pd.Series([1, 0, 3], index=list("abc")), pd.Series([2, 0, 0], index=list("abc")))
    assert list(out.index) == ["a", "b", "c"]
    assert out["a"] == 50.0 and np.isnan(out["b"]) and np.isnan(out["c"])


def test_share_scales_and_keeps_arrays() -> None:
    assert indicators.share(3, 200, 1000.0) == 15.0
    assert np.isnan(indicators.share(1, float("inf")))
    out = indicators.share(np.array([1.0, 2.0]), np.array([4.0, 0.0]))
    assert isinstance(out, np.ndarray) and out[0] == 25.0 and np.isnan(out[1])


@pytest.fixture()
def hand_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tingkat": ["kabupaten", "kabupaten", "kabupaten"],
            "kode": ["3201", "3202", "3203"],
            "nama": ["A", "B", "C"],
            "keluarga_aktif": [200, 50, 0],
            "keluarga_tertimbang": [900, 450, 0],
            "individu_aktif": [800, 0, 0],
            "individu_padan": [600, 0, 0],
            "desil_1": [10, 5, 0],
            "desil_2": [20, 5, 0],
            "desil_3": [30, 5, 0],
            "desil_4": [40, 10, 0],
            "pkh": [50, 1, 0],
            "bpnt": [100, 2, 0],
            "pbi_jk": [150, 3, 0],
            "bulan_verivali_total": [1200, 125, 0],
            "desa_musdes_3_bulan": [3, 0, 0],
            "jumlah_desa": [4, 2, 0],
            "penduduk": [3600, 7200, 0],
        }
    )


def test_indicator_values(hand_rows: pd.DataFrame) -> None:
    def values(key: str, **kwargs: object) -> list[float]:
        series = indicators.indicator_values(hand_rows, key, **kwargs)
        assert list(series.index) == ["3201", "3202", "3203"] and series.name == key
        return [None if np.isnan(v) else round(v, 6) for v in series]

    # 900 registered families against 3,600 / 3.6 = 1,000 families of population.
    assert values("keluarga_per_100") == [90.0, 22.5, None]
    assert values("padan_dukcapil") == [75.0, None, None]
    assert values("desil_1_4") == [50.0, 50.0, None]
    assert values("cakupan_pkh") == [25.0, 2.0, None]
    assert values("cakupan_bpnt") == [50.0, 4.0, None]
    assert values("cakupan_pbi_jk") == [75.0, 6.0, None]
    assert values("bulan_verivali") == [6.0, 2.5, None]
    assert values("desa_musdes_3_bulan") == [75.0, 0.0, None]
    assert values("sanggahan_per_1000") == [0.0, 0.0, None]
    objections = pd.Series({"3201": 3, "3202": 1, "9999": 50})
    assert values("sanggahan_per_1000", objections=objections) == [15.0, 20.0, None]


def test_indicator_parts(hand_rows: pd.DataFrame) -> None:
    parts = indicators.indicator_parts(hand_rows, "padan_dukcapil")
    assert parts.loc["3201"].tolist() == [600.0, 800.0, 75.0]
    assert list(parts.columns) == ["pembilang", "penyebut", "nilai"]


def test_population_indicator_only_where_population_exists(hand_rows: pd.DataFrame) -> None:
    kecamatan = hand_rows.assign(tingkat="kecamatan", kode=["320101", "320102", "320103"])
    with pytest.raises(indicators.IndicatorUnavailable, match="tidak tersedia di tingkat kecamatan"):
        indicators.indicator_values(kecamatan, "keluarga_per_100")
    desa = hand_rows.assign(tingkat="desa")
    with pytest.raises(indicators.IndicatorUnavailable, match="desa/kelurahan"):
        indicators.indicator_values(desa, "keluarga_per_100")
    assert indicators.indicator_values(kecamatan, "padan_dukcapil").notna().any()
    with pytest.raises(ValueError, match="penduduk"):
        indicators.indicator_values(hand_rows.drop(columns="penduduk"), "keluarga_per_100")
    with pytest.raises(ValueError, match="Unknown indicator"):
        indicators.indicator_values(hand_rows, "nope")
    assert "keluarga_per_100" not in indicators.available_indicators("kecamatan")
    assert indicators.available_indicators("kabupaten") == list(indicators.INDICATORS)
    assert indicators.indicator_values(hand_rows.assign(tingkat="nasional"), "keluarga_per_100").notna().any()
    assert indicators.INDICATORS["bulan_verivali"].higher_is_better is False
    assert indicators.INDICATORS["padan_dukcapil"].higher_is_better is True


def test_desil_1_4_adds_the_four_desil(hand_rows: pd.DataFrame) -> None:
    assert indicators.desil_1_4(hand_rows).tolist() == [100.0, 25.0, 0.0]
