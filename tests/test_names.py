"""Synthetic Indonesian names (portal.demo.names): traditions, province mixes, variants; and the canonical search
key they must keep (portal.names)."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from portal import names as C
from portal.demo import names as N

PROVINCES = tuple(
    re.findall(
        r"\d\d",
        "11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36 51 52 53 61 62 63 64 65 "
        "71 72 73 74 75 76 81 82 91 92 93 94 95 96",
    )
)
PAPUA = ("91", "92", "93", "94", "95", "96")
NAME_RE = re.compile(r"^[A-Z][A-Z'.]*( [A-Z][A-Z'.]*)*$")
BIG = ("jawa", "sunda", "madura", "melayu", "aceh", "minang", "batak", "bugis")


def _ci(name: str) -> int:
    return N.CULTURES.index(name)


def _given(seed: int, culture: str, female: bool, n: int = 3000, **kw: object) -> list[str]:
    rng = np.random.default_rng(seed)
    c = np.full(n, _ci(culture), dtype=np.int8)
    return N.sample_given_names(rng, c, np.full(n, female), kw.pop("birth_order", None), **kw).to_pylist()


def test_cultures_cover_the_brief() -> None:
    required = {"jawa", "sunda", "betawi", "melayu", "aceh", "minang", "batak", "bali", "bugis", "minahasa"}
    required |= {"nusa_tenggara", "maluku", "papua", "tionghoa", "dayak"}
    assert required <= set(N.CULTURES)
    assert len(set(N.CULTURES)) == len(N.CULTURES) < 128  # int8 indices
    assert set(N.MARGA_CULTURES) == {"batak", "minahasa", "nusa_tenggara", "maluku", "papua"}


def test_same_seed_same_names() -> None:
    def run(seed: int) -> list[pa.Array | np.ndarray]:
        rng = np.random.default_rng(seed)
        c = N.sample_cultures(rng, "91", 5000)
        female = rng.random(5000) < 0.5
        bo = rng.integers(0, 6, 5000)
        given = N.sample_given_names(rng, c, female, bo)
        marga = N.sample_family_names(rng, c)
        return [c, given, marga, N.full_names(given, marga), N.sample_mother_names(rng, c)]

    a, b, other = run(7), run(7), run(8)
    assert np.array_equal(a[0], b[0])
    assert a[0].dtype == np.int8
    for x, y in zip(a[1:], b[1:], strict=True):
        assert x.equals(y)
    assert not a[1].equals(other[1])


@pytest.mark.parametrize("culture", N.CULTURES)
def test_every_culture_produces_clean_names(culture: str) -> None:
    for female in (False, True):
        for era in (None, 1950, 1985, 2012):
            year = None if era is None else np.full(3000, era)
            names = _given(1, culture, female, birth_year=year)
            assert all(NAME_RE.match(x) for x in names), [x for x in names if not NAME_RE.match(x)][:5]
            assert all(1 <= len(x.split()) <= 3 for x in names)
            assert len(set(names)) > 100
    marga = N.sample_family_names(np.random.default_rng(2), np.full(3000, _ci(culture)))
    full = N.full_names(pa.array(_given(3, culture, False)), marga).to_pylist()
    assert all(NAME_RE.match(x) for x in full)


def test_pool_sizes() -> None:
    for culture in N.CULTURES:
        floor = 60 if culture in BIG else 30
        for female in (False, True):
            vocab = N._culture_vocabulary(culture, female)
            assert len(vocab) >= floor, (culture, female, len(vocab))
        marga = N._marga_pool(culture)
        assert len(marga) >= 40 if culture in N.MARGA_CULTURES else not marga
    pools = [N._marga_pool(c) for c in N.MARGA_CULTURES]
    assert sum(len(p) for p in pools) == len(set().union(*pools)), "a marga belongs to one tradition"


def test_bali_prefix_and_birth_order() -> None:
    n = 4000
    for female, prefix in ((True, "NI "), (False, "I ")):
        for order, expected in (
            (1, {"WAYAN", "PUTU", "GEDE", "LUH"}),
            (2, {"MADE", "KADEK", "NENGAH"}),
            (3, {"NYOMAN", "KOMANG"}),
            (4, {"KETUT"}),
            (5, {"WAYAN", "PUTU", "GEDE", "LUH"}),
            (8, {"KETUT"}),
        ):
            names = _given(4, "bali", female, n, birth_order=np.full(n, order), variant_rate=0.0)
            assert all(x.startswith(prefix) for x in names)
            second = {x.split()[1] for x in names}
            assert second - {"GUSTI", "DEWA", "LUH"} <= expected, (order, second)
    # unknown birth order (0) spreads over all four names, 1 for everyone gives first-born names only
    unknown = {x.split()[1] for x in _given(5, "bali", False, n, birth_order=np.zeros(n, int))}
    assert {"WAYAN", "MADE", "NYOMAN", "KETUT"} <= unknown


def test_javanese_ordinal_names_follow_birth_order() -> None:
    n = 20000
    third = _given(6, "jawa", True, n, birth_order=np.full(n, 3), variant_rate=0.0)
    firsts = {x.split()[0] for x in third}
    assert "TRI" in firsts and "EKA" not in firsts and "DWI" not in firsts


def test_generations_differ() -> None:
    old = _given(7, "jawa", False, 5000, birth_year=np.full(5000, 1950), variant_rate=0.0)
    young = _given(7, "jawa", False, 5000, birth_year=np.full(5000, 2010), variant_rate=0.0)
    assert np.mean([len(x.split()) == 1 for x in old]) > 0.45
    assert np.mean([len(x.split()) == 1 for x in young]) < 0.15
    assert np.mean([len(x.split()) == 3 for x in young]) > 0.1


def test_family_names_only_for_marga_cultures() -> None:
    rng = np.random.default_rng(9)
    c = np.repeat(np.arange(len(N.CULTURES), dtype=np.int8), 2000)
    marga = np.array(N.sample_family_names(rng, c).to_pylist(), dtype=object)
    for i, culture in enumerate(N.CULTURES):
        m = marga[c == i]
        if culture in N.MARGA_CULTURES:
            assert np.mean(m != "") > 0.85
            assert set(m[m != ""]) <= N._marga_pool(culture)
            assert len(set(m)) > 30
        else:
            assert (m == "").all()


def test_full_names_and_batak_women() -> None:
    given = pa.array(["ROSMERI", "PARULIAN", "I MADE SUARDANA", "MARIA"])
    marga = pa.array(["SITORUS", "SITORUS", "", "RUMBIAK"])
    assert N.full_names(given, marga).to_pylist() == [
        "ROSMERI SITORUS",
        "PARULIAN SITORUS",
        "I MADE SUARDANA",
        "MARIA RUMBIAK",
    ]
    female = np.array([True, False, False, True])
    assert N.full_names(given, marga, female=female).to_pylist() == [
        "ROSMERI BR SITORUS",
        "PARULIAN SITORUS",
        "I MADE SUARDANA",
        "MARIA RUMBIAK",
    ]


def test_mother_names() -> None:
    rng = np.random.default_rng(10)
    bali = N.sample_mother_names(rng, "bali", 2000).to_pylist()
    assert all(x.startswith("NI ") for x in bali)
    batak = N.sample_mother_names(rng, np.full(2000, _ci("batak"))).to_pylist()
    with_marga = [x for x in batak if " BR " in x]
    assert 0.6 < len(with_marga) / len(batak) < 0.9
    assert {x.split(" BR ")[1] for x in with_marga} <= N._marga_pool("batak")
    papua = N.sample_mother_names(rng, _ci("papua"), 500)
    assert len(papua) == 500 and all(NAME_RE.match(x) for x in papua.to_pylist())


def test_province_mix() -> None:
    for code in PROVINCES:
        mix = N.province_mix(code)
        assert set(mix) <= set(N.CULTURES)
        assert sum(mix.values()) == pytest.approx(1.0, abs=1e-12)
        assert all(v > 0 for v in mix.values())
    assert N.province_mix("3201") == N.province_mix("32")
    national = N.province_mix("99")
    assert sum(national.values()) == pytest.approx(1.0)
    assert max(national, key=national.get) == "jawa" and len(national) == len(N.CULTURES)
    assert N.province_mix("18")["jawa"] > 0.5  # Lampung: transmigrants
    assert max(N.province_mix("31").values()) < 0.5  # Jakarta is mixed
    assert N.province_mix("51")["bali"] > 0.8 and N.province_mix("73")["bugis"] > 0.8


@pytest.mark.parametrize("code", PAPUA)
def test_papua_provinces_mostly_papuan(code: str) -> None:
    mix = N.province_mix(code)
    assert 0.5 < mix["papua"] < 1.0
    rng = np.random.default_rng(11)
    c = N.sample_cultures(rng, code, 20000)
    share = np.mean(c == _ci("papua"))
    assert 0.5 < share < 0.99
    marga = np.array(N.sample_family_names(rng, c).to_pylist(), dtype=object)
    assert 0.45 < np.isin(marga, list(N._marga_pool("papua"))).mean() < 0.99


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Muhamad  Yusuf", "MOCHAMMAD JUSUF"),
        ("M. YUSUF", "MUHAMMAD YUSUF"),
        ("MOH. HOLIL", "Mohammad Holil"),
        ("SOERJA", "SURYA"),
        ("SOEPARMAN", "SUPARMAN"),
        ("DJOKO SOETJIPTO", "JOKO SUCIPTO"),
        ("TJAHJONO", "CAHYONO"),
        ("ANDJAR", "ANJAR"),
        ("SITTI AMINAH", "ST. AMINA"),
        ("NOER HASANAH", "NUR CHASANAH"),
        ("CHOIRUL ANAM", "KHOIRUL ANAM"),
        ("AKHMAD", "ACHMAD"),
        ("SUPRIYADI", "SUPRIADI"),
        ("HENDRY", "HENDRI"),
        ("RIZKY", "RIZQI"),
        ("ELISABETH", "ELIZABETH"),
        ("JOHANNES", "YOHANES"),
        ("SYAMSUL BAHRI", "SAMSUL BAHRI"),
        ("SAEPUL", "SYAIFUL"),
        ("TAUFIQ", "TAUFIK"),
        ("RAMADHAN", "RAMADAN"),
        ("MA'RUF", "MARUF"),
        ("NUR\u2019AINI", "NURAINI"),
        ("Sïti Zubaedah", "SITI ZUBAIDAH"),
        ("  abd.rahman ", "ABDUL ROHMAN"),
        ("I WAYAN", "i  wayan"),
    ],
)
def test_canonical_equivalences(a: str, b: str) -> None:
    assert C.canonical_name(a) == C.canonical_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("BUDI", "BUDIMAN"),
        ("NUR", "NURUL"),
        ("NUR AINI", "NURAINI"),
        ("PUTRI", "PUTRA"),
        ("DEWI", "DEWA"),
        ("JOKO", "YOKO"),
        ("JAYA", "YAYA"),
        ("ANDI", "ANDIKA"),
        ("YUSUF", "YOSEF"),
        ("SITI", "SINTA"),
        ("MARIA", "MARYAM"),
        ("AGUS SALIM", "SALIM AGUS"),
    ],
)
def test_canonical_non_equivalences(a: str, b: str) -> None:
    assert C.canonical_name(a) != C.canonical_name(b)


def test_canonical_spelling_of_groups_and_edge_cases() -> None:
    assert C.canonical_name("Muhamad  Yusuf") == "MUHAMMAD YUSUF"
    for group in C.VARIANT_GROUPS:
        assert {C.canonical_name(v) for v in group} == {group[0]}, group
    members = [v for g in C.VARIANT_GROUPS for v in g]
    assert len(members) == len(set(members))
    assert C.canonical_name("") == "" and C.canonical_name(" .,- ") == ""


def test_generated_variants_keep_the_canonical_name() -> None:
    n = 4000
    for culture in N.CULTURES:
        for female in (False, True):
            for era in (None, 1950, 2000):
                year = None if era is None else np.full(n, era)
                base = _given(12, culture, female, n, birth_year=year, variant_rate=0.0)
                varied = _given(12, culture, female, n, birth_year=year, variant_rate=1.0)
                for x, y in zip(base, varied, strict=True):
                    assert C.canonical_name(x) == C.canonical_name(y), (culture, x, y)
                keys = [C.canonical_name(x) for x in varied]
                assert [C.canonical_name(k) for k in keys] == keys  # idempotent


def test_old_spelling_only_for_older_people() -> None:
    n = 20000
    young = _given(13, "jawa", False, n, birth_year=np.full(n, 1990), variant_rate=1.0)
    old = _given(13, "jawa", False, n, birth_year=np.full(n, 1950), variant_rate=1.0)
    marker = re.compile(r"OE|DJ|TJ|SJ")
    assert not any(marker.search(x) for x in young)
    assert np.mean([bool(marker.search(x)) for x in old]) > 0.05


def test_variant_share() -> None:
    n = 100_000
    rng = np.random.default_rng(14)
    c = N.sample_cultures(rng, "00", n)
    female = rng.random(n) < 0.5
    bo = rng.integers(0, 6, n)
    base = N.sample_given_names(np.random.default_rng(15), c, female, bo, variant_rate=0.0)
    varied = N.sample_given_names(np.random.default_rng(15), c, female, bo)
    share = pc.mean(pc.not_equal(base, varied)).as_py()
    print(f"\nvariant share on {n:,} national names: {share:.2%}")
    assert 0.065 < share < 0.095


def test_canonical_names_vectorised_matches_scalar() -> None:
    rng = np.random.default_rng(16)
    c = N.sample_cultures(rng, "00", 20000)
    given = N.sample_given_names(rng, c, rng.random(20000) < 0.5, None)
    full = N.full_names(given, N.sample_family_names(rng, c)).to_pylist()
    messy = ["  m.  yusuf ", "Sïti  Zubaedah", "", None, "ABD.RAHMAN", "NUR\u2019AINI", "O'NEIL-SMITH", "ß"]
    values = full + messy
    out = C.canonical_names(pa.array(values, pa.string())).to_pylist()
    assert out == [None if v is None else C.canonical_name(v) for v in values]
    assert C.canonical_names(pa.chunked_array([["M. YUSUF"], ["SOERJA"]])).to_pylist() == [
        "MUHAMMAD YUSUF",
        "SURYA",
    ]
