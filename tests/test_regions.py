"""The region hierarchy (portal.regions): levels, parent and child, the drill path and its breadcrumb, the View of a
region and the levels an official can narrow down to."""

from __future__ import annotations

import pytest

from portal import regions
from tests.fixture_register import A


@pytest.mark.parametrize(
    ("kode", "tingkat", "anak", "panjang"),
    [
        ("", "nasional", "provinsi", 2),
        ("34", "provinsi", "kabupaten", 4),
        ("3471", "kabupaten", "kecamatan", 6),
        ("347101", "kecamatan", "desa", 10),
        (A, "desa", "desa", 10),  # a desa shows its own row
    ],
)
def test_view_of_a_region(kode: str, tingkat: str, anak: str, panjang: int) -> None:
    assert regions.view_of(kode) == regions.View(kode, tingkat, anak, panjang)


@pytest.mark.parametrize("bad", ["3", "34710", "abcd", "34 1", None, 3471, "3471'--"])
def test_view_of_rejects_what_is_not_a_code(bad: object) -> None:
    with pytest.raises(ValueError):
        regions.view_of(bad)  # type: ignore[arg-type]


def test_picker_levels_start_below_the_officials_region() -> None:
    assert regions.picker_levels("") == ["provinsi", "kabupaten", "kecamatan"]
    assert regions.picker_levels("34") == ["kabupaten", "kecamatan"]
    assert regions.picker_levels("3471") == ["kecamatan"]
    assert regions.picker_levels("347101") == []
    assert regions.picker_levels(A) == []


def test_breadcrumb_and_path() -> None:
    names = {"": "Indonesia", "32": "Jawa Barat", "3201": "Kab. Bogor"}
    assert regions.drill_path("320101") == ["", "32", "3201", "320101"]
    assert regions.drill_path("") == [""]
    assert regions.breadcrumb(regions.drill_path("320101"), names) == [
        ("", "Indonesia"),
        ("32", "Jawa Barat"),
        ("3201", "Kab. Bogor"),
        ("320101", "320101"),
    ]
    assert regions.breadcrumb(["32", "3201"], names) == [
        ("", "Indonesia"),
        ("32", "Jawa Barat"),
        ("3201", "Kab. Bogor"),
    ]
    assert regions.breadcrumb([], {}) == [("", "Indonesia")]
    # A path that jumps (stale state) stops where it stops making sense.
    assert regions.breadcrumb(["32", "3301", "330101"], names) == [("", "Indonesia"), ("32", "Jawa Barat")]
    assert regions.breadcrumb(["3201"], names) == [("", "Indonesia")]
    assert regions.level_of("3201") == "kabupaten" and regions.level_of("") == "nasional"
    assert regions.child_level("") == "provinsi" and regions.child_level("320101") == "desa"
    assert regions.child_level("3201010001") is None
    with pytest.raises(ValueError):
        regions.level_of("321")


def test_parent_code_and_levels() -> None:
    assert regions.parent_code("3201") == "32" and regions.parent_code("32") == ""
    assert regions.parent_code("3201010001") == "320101"
    with pytest.raises(ValueError):
        regions.parent_code("")
    assert regions.AREA_LEVELS == ("provinsi", "kabupaten", "kecamatan", "desa")
    assert [regions.CODE_LENGTHS[level] for level in regions.LEVELS] == [0, 2, 4, 6, 10]
    assert regions.code_level("３４") is None  # full-width digits are not a code
