"""Families and their members for one province, vectorised with numpy.

Welfare is a latent score `z` per family (lower = poorer), shifted by the kab/kota poverty rate. Housing,
assets, desil and programmes are all drawn from `z`, so they correlate the way the register's do, with noise
that produces realistic exclusion (poor, no programme) and inclusion (well-off, receiving) errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import NormalDist

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from portal.demo import names
from portal.demo.columns import Columns
from portal.schema import SULIT

# Share of register families per desil 1..10: the register is a list of the poorer part of the nation.
DESIL_SHARES = np.array([0.20, 0.17, 0.15, 0.13, 0.10, 0.08, 0.06, 0.05, 0.035, 0.025])
DESIL_NOISE = 0.45
_DESIL_CUTS = np.array([NormalDist(0, (1 + DESIL_NOISE**2) ** 0.5).inv_cdf(q) for q in np.cumsum(DESIL_SHARES)[:-1]])
STATUS_KESEJAHTERAAN = np.array(
    ["sangat miskin", "miskin", "miskin", "hampir miskin", "hampir miskin", "rentan miskin"] + ["tidak miskin"] * 4,
    dtype=object,
)
# Probability of each programme by desil 1..10 (family level). Draws share one propensity per family, so a
# PKH family nearly always also has BPNT and PBI-JK, as in the field.
P_PBI = np.array([0.86, 0.82, 0.74, 0.62, 0.46, 0.30, 0.20, 0.14, 0.10, 0.08])
P_BPNT = np.array([0.66, 0.58, 0.46, 0.32, 0.18, 0.10, 0.06, 0.04, 0.03, 0.02])
P_PKH = np.array([0.48, 0.40, 0.28, 0.16, 0.07, 0.04, 0.025, 0.015, 0.01, 0.01])
P_BLT_DD = np.array([0.14, 0.12, 0.09, 0.06, 0.03, 0.02, 0.01, 0.01, 0.0, 0.0])

FAMILY_SIZE_P = np.array([0.08, 0.15, 0.22, 0.24, 0.15, 0.09, 0.04, 0.02, 0.01])
LANTAI = np.array(["tanah", "bambu", "kayu/papan", "semen/bata merah", "ubin/tegel", "keramik"], dtype=object)
DINDING = np.array(["bambu/anyaman", "kayu/papan", "tembok tanpa plester", "tembok"], dtype=object)
ATAP = np.array(["jerami/ijuk/rumbia", "seng", "asbes", "genteng", "beton"], dtype=object)
AIR = np.array(
    ["sungai/mata air", "sumur tak terlindung", "sumur terlindung/bor", "air isi ulang", "ledeng"], dtype=object
)
PENERANGAN = np.array(["bukan listrik", "listrik non-PLN", "listrik PLN"], dtype=object)
DAYA_VA = np.array([0, 450, 900, 1300, 2200], dtype=np.int16)
# String columns of keluarga and individu are held as small integer codes into these vocabularies (what
# `vocabularies` lists) and written as strings: no Python string per row until Arrow takes the vocabulary.
SUMBER_DATA = np.array(["DTKS", "DTSEN"], dtype=object)  # indexed by a drawn bool
JAMBAN = np.array(["tidak ada", "bersama/umum", "sendiri"], dtype=object)
PENDIDIKAN = np.array(
    ["tidak punya ijazah", "SD/sederajat", "SMP/sederajat", "SMA/sederajat", "D1-D3", "D4/S1 ke atas"], dtype=object
)
PEKERJAAN_DESA = np.array(
    ["petani/pekebun", "buruh tani", "nelayan", "peternak", "buruh harian lepas", "pedagang"], dtype=object
)
PEKERJAAN_KOTA = np.array(
    ["buruh harian lepas", "pedagang", "pengemudi/ojek", "karyawan swasta", "wiraswasta", "asisten rumah tangga"],
    dtype=object,
)
JENIS_KELAMIN = np.array(["L", "P"], dtype=object)  # indexed by female
STATUS_PADAN = np.array(["belum padan", "padan"], dtype=object)  # indexed by matched
PENYAKIT = np.array(
    ["hipertensi", "diabetes", "jantung", "tuberkulosis", "asma", "stroke", "gagal ginjal"], dtype=object
)
STREETS = np.array(
    [
        "MAWAR",
        "MELATI",
        "ANGGREK",
        "KENANGA",
        "DAHLIA",
        "CEMPAKA",
        "FLAMBOYAN",
        "SUDIRMAN",
        "DIPONEGORO",
        "KARTINI",
        "PAHLAWAN",
        "MERDEKA",
        "MANGGA",
        "RAMBUTAN",
        "DURIAN",
        "NANGKA",
        "PANCASILA",
        "BANGAU",
        "MERPATI",
        "CENDRAWASIH",
        "KUTILANG",
        "NUSA",
        "INDAH",
        "SEROJA",
        "SUKA",
        "MAJU",
        "BAKTI",
        "KARYA",
        "HARAPAN",
        "SEJAHTERA",
        "MAKMUR",
        "DAMAI",
        "SENTOSA",
        "TERATAI",
        "BOUGENVILE",
        "KAMBOJA",
        "BERINGIN",
        "TANJUNG",
        "PINANG",
        "KELAPA",
        "PISANG",
        "JAMBU",
        "SALAK",
        "KENARI",
        "WIJAYA",
        "KUSUMA",
        "GAJAH",
        "MADA",
        "HASANUDDIN",
        "IMAM",
        "BONJOL",
    ],
    dtype=object,
)
DUSUN_NAMES = np.array(
    [
        "KRAJAN",
        "SUKAMAJU",
        "SUKAMULYA",
        "MEKARSARI",
        "TANJUNG",
        "WETAN",
        "KULON",
        "LOR",
        "KIDUL",
        "TENGAH",
        "SIDOMULYO",
        "KARANGANYAR",
        "SUMBERSARI",
        "CIBEUREUM",
        "PASIR",
        "BARU",
        "PANTAI",
        "GUNUNG",
        "LEMBAH",
        "SUKADAMAI",
        "MARGAHAYU",
        "TEGALSARI",
        "SIDOREJO",
    ],
    dtype=object,
)


NO_DUSUN = DUSUN_NAMES.size  # a kelurahan has no dusun: "-"
RT_RW = np.array([f"{i:03d}" for i in range(1000)], dtype=object)  # rt and rw codes are their numbers
PENYAKIT_CODES = np.r_[np.array([None], dtype=object), PENYAKIT]  # 0: none
# hubungan_keluarga
HUBUNGAN = np.array(
    ["kepala keluarga", "istri", "suami", "anak", "cucu", "orang tua/mertua", "famili lain"], dtype=object
)
KEPALA, ISTRI, SUAMI, ANAK, CUCU, ORANG_TUA, FAMILI_LAIN = range(7)
PARTISIPASI = np.array(["belum sekolah", "masih sekolah", "tidak sekolah", "tidak sekolah lagi"], dtype=object)
BELUM_SEKOLAH, MASIH_SEKOLAH, TIDAK_SEKOLAH, PUTUS_SEKOLAH = range(4)
# Rural jobs, urban jobs, then the three that are not drawn from either list.
PEKERJAAN = np.r_[
    PEKERJAAN_DESA, PEKERJAAN_KOTA, np.array(["mengurus rumah tangga", "tidak bekerja", "pelajar/mahasiswa"], object)
]
MENGURUS_RUMAH_TANGGA, TIDAK_BEKERJA, PELAJAR = range(12, 15)
KEBERADAAN = np.array(["ada", "meninggal", "pindah"], dtype=object)
ADA, MENINGGAL, PINDAH = range(3)
# status_kesejahteraan is written from desil (0: blank)
STATUS_BY_DESIL = np.r_[np.array([None], dtype=object), STATUS_KESEJAHTERAAN]


def vocabularies(geo: ProvinceGeo) -> dict[str, tuple[np.ndarray, str]]:
    """For each coded string column of keluarga and individu: its vocabulary and the column holding the codes."""
    coded = {
        "lantai": LANTAI,
        "dinding": DINDING,
        "atap": ATAP,
        "sumber_air": AIR,
        "penerangan": PENERANGAN,
        "jamban": JAMBAN,
        "sumber_data": SUMBER_DATA,
        "dusun": np.r_[DUSUN_NAMES, np.array(["-"], dtype=object)],
        "rt": RT_RW,
        "rw": RT_RW,
        "jenis_kelamin": JENIS_KELAMIN,
        "status_padan": STATUS_PADAN,
        "penyakit_kronis": PENYAKIT_CODES,
        "pendidikan_tertinggi": PENDIDIKAN,
        "partisipasi_sekolah": PARTISIPASI,
        "pekerjaan": PEKERJAAN,
        "keberadaan": KEBERADAAN,
        "hubungan_keluarga": HUBUNGAN,
        "tempat_lahir": birthplace_vocabulary(geo),
    }
    out = {name: (vocab, name) for name, vocab in coded.items()}
    out["status_kesejahteraan"] = (STATUS_BY_DESIL, "desil")
    out.update({name: (getattr(geo, name), "_desa") for name in ("kode_desa", "kode_kec", "kode_kab")})
    return out


@dataclass
class ProvinceGeo:
    """The province's desa with their kab-level parameters, as parallel numpy arrays."""

    kode_prov: str
    kode_desa: np.ndarray
    kode_kec: np.ndarray
    kode_kab: np.ndarray
    kelurahan: np.ndarray  # bool per desa
    kab_index: np.ndarray  # index into the kab arrays below, per desa
    n_dusun: np.ndarray
    n_rw: np.ndarray
    dusun_offset: np.ndarray
    kab_codes: np.ndarray
    kab_p0: np.ndarray
    kab_padan: np.ndarray  # share matched with Dukcapil
    kab_stale: np.ndarray  # mean months since verivali
    kab_birthplace: np.ndarray
    other_birthplaces: np.ndarray  # birthplaces anywhere in the nation
    foreign_kec: np.ndarray  # kecamatan codes outside this province, for NIK issued elsewhere


@dataclass
class Batch:
    """Families and their members, with hidden working columns prefixed `_`."""

    keluarga: Columns
    individu: Columns


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _ordered(rng: np.random.Generator, score: np.ndarray, cuts: list[float], noise: float = 0.8) -> np.ndarray:
    """Index of an ordered category: a noisy score cut at thresholds."""
    return np.digitize(score + rng.normal(0, noise, score.size), cuts)


def _dates(day_numbers: np.ndarray) -> np.ndarray:
    return day_numbers.astype("datetime64[D]")


def desil_from_score(score: np.ndarray) -> np.ndarray:
    """Desil 1..10 of a noisy welfare score, on cuts that give the register's skew to the poor."""
    return (np.digitize(score, _DESIL_CUTS) + 1).astype(np.int8)


def draw_programmes(
    rng: np.random.Generator, desil: np.ndarray, kelurahan: np.ndarray, period_day: int
) -> dict[str, np.ndarray]:
    """Programme flags and start dates from desil; one shared propensity makes them nest like the real ones."""
    d = np.clip(desil, 1, 10) - 1
    u = rng.random(desil.size)
    redraw = rng.random(desil.size) < 0.25
    u2 = np.where(redraw, rng.random(desil.size), u)
    out: dict[str, np.ndarray] = {
        "prog_pkh": u < P_PKH[d],
        "prog_bpnt": u2 < P_BPNT[d],
        "prog_pbi_jk": u < P_PBI[d],
        "prog_blt_dd": (rng.random(desil.size) < P_BLT_DD[d]) & ~kelurahan,
    }
    for name in list(out):
        start = period_day - rng.integers(30, 9 * 365, desil.size)
        _, _, day = civil_date(start)
        month_start = _dates(start - day + 1)
        out[f"{name}_sejak"] = np.where(out[name], month_start, np.datetime64("NaT"))
    return out


def make_families(
    rng: np.random.Generator,
    geo: ProvinceGeo,
    desa_idx: np.ndarray,
    period: date,
    first_family_id: int,
    first_person_id: int,
    z_shift: float = 0.0,
    serial_base: int = 1,
) -> Batch:
    """Families living in the given desa (one entry per family), with members, NIK and No KK.

    NIK and No KK serials are numbered from `serial_base` per region and date; each batch of a province
    gets its own range, so batches made in different periods never issue the same number.
    """
    n = desa_idx.size
    period_day = np.datetime64(period, "D").astype(int)
    kab_i = geo.kab_index[desa_idx]
    kelurahan = geo.kelurahan[desa_idx]
    z = rng.normal(0, 1, n) - (geo.kab_p0[kab_i] - 9.0) / 9.0 + 0.25 * kelurahan + z_shift
    culture = names.sample_cultures(rng, geo.kode_prov, n)

    fam = Columns({"id_keluarga": np.arange(first_family_id, first_family_id + n, dtype=np.int64)})
    # Index into the block's desa (geo), kept through moves: kode_desa, kode_kec and kode_kab are written from it.
    fam["_desa"] = desa_idx.astype(np.int64)
    _add_address(rng, fam, geo, desa_idx, kelurahan)
    _add_housing(rng, fam, z)
    desil = desil_from_score(z + rng.normal(0, DESIL_NOISE, n))
    fam["desil"] = desil  # int8, 0 for a blanked desil
    fam["sumber_data"] = (rng.random(n) < 0.35).astype(np.int8)
    for col, values in draw_programmes(rng, desil, kelurahan, period_day).items():
        fam[col] = values
    fam["status_aktif"] = np.ones(n, dtype=bool)
    fam["alasan_nonaktif"] = None
    stale = geo.kab_stale[kab_i]
    months = np.minimum(rng.exponential(stale), 72)
    fam["tanggal_verivali"] = _dates(period_day - np.round(months * 30.44).astype(np.int64))
    fam["id_usulan_asal"] = np.zeros(n, dtype=np.int64)  # 0: not from an usulan
    fam["_z"] = z
    fam["_culture"] = culture
    fam["_kelurahan"] = kelurahan
    fam["_cacat"] = np.zeros(n, dtype=np.int16)

    ind, size = _make_members(rng, fam, geo, period_day, first_person_id, serial_base)
    first = np.cumsum(size) - size  # each family's head is its first member
    fam["nama_kepala_keluarga"] = ind["nama"].take(pa.array(first))
    fam["jumlah_art"] = size.astype(np.int16)
    # A person's no_kk is the family's: individu's is written from keluarga's.
    fam["no_kk"] = make_kk(rng, geo.kode_kec[desa_idx], period_day, serial_base)
    return Batch(keluarga=fam, individu=ind)


def _add_address(
    rng: np.random.Generator, fam: Columns, geo: ProvinceGeo, desa_idx: np.ndarray, kelurahan: np.ndarray
) -> None:
    n = desa_idx.size
    dusun_pick = rng.integers(0, 1 << 30, n) % geo.n_dusun[desa_idx]
    dusun = (geo.dusun_offset[desa_idx] + dusun_pick) % DUSUN_NAMES.size
    fam["dusun"] = np.where(kelurahan, NO_DUSUN, dusun).astype(np.int8)
    rw = 1 + rng.integers(0, 1 << 30, n) % geo.n_rw[desa_idx]
    rt = 1 + rng.integers(0, 12, n)
    fam["rt"] = rt.astype(np.int16)
    fam["rw"] = rw.astype(np.int16)
    street = STREETS[rng.integers(0, STREETS.size, n)]
    number = rng.integers(1, 180, n).astype(str)
    prefix = np.where(
        kelurahan, np.where(rng.random(n) < 0.6, "JL. ", "GG. "), np.where(rng.random(n) < 0.5, "JL. ", "KP. ")
    )
    fam["alamat"] = prefix.astype(object) + street + " NO. " + number.astype(object)


def _add_housing(rng: np.random.Generator, fam: Columns, z: np.ndarray) -> None:
    n = z.size
    fam["lantai"] = _ordered(rng, z, [-2.2, -1.7, -1.0, 0.3, 1.2]).astype(np.int8)
    fam["dinding"] = _ordered(rng, z, [-1.4, -0.6, 0.0]).astype(np.int8)
    fam["atap"] = _ordered(rng, z, [-2.0, -0.8, -0.2, 1.8]).astype(np.int8)
    fam["sumber_air"] = _ordered(rng, z, [-1.8, -1.0, 0.0, 0.9]).astype(np.int8)
    light = _ordered(rng, z, [-2.6, -2.1])
    fam["penerangan"] = light.astype(np.int8)
    va = np.where(light < 2, 0, 1 + _ordered(rng, z, [-0.2, 1.0, 2.0]))
    fam["daya_listrik_va"] = DAYA_VA[va]
    fam["jamban"] = _ordered(rng, z, [-1.6, -0.7]).astype(np.int8)
    for col, a, b in (
        ("aset_lpg_5_5kg", -2.2, 1.4),
        ("aset_kulkas", -0.6, 1.3),
        ("aset_motor", 0.4, 1.0),
        ("aset_mobil", -4.0, 1.3),
        ("aset_lahan", -0.8, 0.5),
        ("aset_ternak", -1.2, 0.2),
    ):
        fam[col] = rng.random(n) < _sigmoid(a + b * z)


def _make_members(
    rng: np.random.Generator,
    fam: Columns,
    geo: ProvinceGeo,
    period_day: int,
    first_person_id: int,
    serial_base: int,
) -> tuple[Columns, np.ndarray]:
    n = len(fam)
    z = fam["_z"]
    size = 1 + rng.choice(FAMILY_SIZE_P.size, n, p=FAMILY_SIZE_P)
    female_head = rng.random(n) < np.where(size == 1, 0.45, 0.12)
    has_spouse = (size >= 2) & (rng.random(n) < np.where(female_head, 0.10, 0.93))
    n_children = size - 1 - has_spouse
    head_age = np.clip(rng.normal(46, 13, n), 19, 90)
    first_gap = rng.uniform(19, 30, n)
    mean_gap = rng.uniform(1.5, 4.0, n)
    needed = first_gap + np.maximum(n_children - 1, 0) * mean_gap + 0.5
    head_age = np.where(n_children > 0, np.maximum(head_age, needed + np.where(female_head, 0, 3)), head_age)
    spouse_age = np.clip(head_age + np.where(female_head, 3, -4) + rng.normal(0, 3, n), 17, 95)
    mother_age = np.where(female_head | ~has_spouse, head_age - np.where(female_head, 0, 3), spouse_age)

    person_fam = np.repeat(np.arange(n), size)
    total = person_fam.size
    slot = np.arange(total) - np.repeat(np.cumsum(size) - size, size)
    spouse_slot = has_spouse[person_fam] & (slot == 1)
    child_order = slot - 1 - has_spouse[person_fam]  # 0-based among non-head, non-spouse
    role = np.full(total, ANAK, dtype=np.int8)
    role[slot == 0] = KEPALA
    role[spouse_slot] = np.where(female_head[person_fam[spouse_slot]], SUAMI, ISTRI)
    other = (slot > 0) & ~spouse_slot
    draw = rng.random(total)
    old_head = head_age[person_fam] >= 48
    role[other & (draw < 0.04) & old_head] = CUCU
    role[other & (draw >= 0.04) & (draw < 0.08)] = ORANG_TUA
    role[other & (draw >= 0.08) & (draw < 0.11)] = FAMILI_LAIN

    age = np.empty(total)
    age[slot == 0] = head_age
    age[spouse_slot] = spouse_age[person_fam[spouse_slot]]
    child = role == ANAK
    age[child] = (
        mother_age[person_fam[child]]
        - first_gap[person_fam[child]]
        - child_order[child] * mean_gap[person_fam[child]]
        + rng.uniform(-0.8, 0.8, int(child.sum()))
    )
    age[role == CUCU] = rng.uniform(0, 12, int((role == CUCU).sum()))
    parent = role == ORANG_TUA
    age[parent] = np.minimum(head_age[person_fam[parent]] + rng.uniform(20, 32, int(parent.sum())), 98)
    kin = role == FAMILI_LAIN
    age[kin] = rng.uniform(5, 60, int(kin.sum()))
    age = np.clip(age, 0.05, 99.5)

    head_female = female_head[person_fam]
    female = np.where(slot == 0, head_female, rng.random(total) < 0.5)
    female[spouse_slot] = ~head_female[spouse_slot]
    female[parent] = rng.random(int(parent.sum())) < 0.65

    born = period_day - np.round(age * 365.25).astype(np.int64) - rng.integers(0, 60, total)
    ind = Columns(
        {
            "id_dtks": np.arange(first_person_id, first_person_id + total, dtype=np.int64),
            "id_keluarga": fam["id_keluarga"][person_fam],
        }
    )
    culture = fam["_culture"][person_fam]
    # Birth order is known only for the family's own children (0 = unknown); the birth year picks the
    # generation's naming fashion.
    birth_order = np.where(child, child_order + 1, 0).astype(np.int64)
    birth_year = civil_date(born)[0]
    given = names.sample_given_names(rng, culture, female, birth_order, birth_year=birth_year)
    family_marga = names.sample_family_names(rng, fam["_culture"])
    own_marga = names.sample_family_names(rng, culture)
    # Children and grandchildren carry the family's marga, as do the head and his father; wives keep their own.
    takes_family = child | (role == CUCU) | (~female & ((slot == 0) | parent))
    marga = pc.if_else(pa.array(takes_family), family_marga.take(pa.array(person_fam)), own_marga)
    nama = names.full_names(given, marga, female=female)
    ind["nama"] = nama
    kab_pos = geo.kab_index[fam["_desa"]][person_fam]
    ind["tempat_lahir"] = _birthplaces(rng, geo, kab_pos, age)
    ind["tanggal_lahir"] = _dates(born)
    ind["jenis_kelamin"] = female.astype(np.int8)
    # A child's mother is the family's wife (or the female head); everyone else gets a sampled name.
    mother_of_family = np.full(n, -1, dtype=np.int64)  # the row of the family's mother
    wife_rows = np.flatnonzero(spouse_slot & female)
    mother_of_family[person_fam[wife_rows]] = wife_rows
    female_heads = np.flatnonzero((slot == 0) & female & (n_children[person_fam] > 0))
    mother_of_family[person_fam[female_heads]] = female_heads
    sampled = names.sample_mother_names(rng, culture, birth_year=birth_year - 27)
    mother = mother_of_family[person_fam]
    known = child & (mother >= 0)
    ind["nama_ibu_kandung"] = pc.if_else(pa.array(known), nama.take(pa.array(np.maximum(mother, 0))), sampled)
    ind["hubungan_keluarga"] = role
    for col in ("_desa", "dusun", "rt", "rw"):
        ind[col] = fam[col][person_fam]
    _add_person_traits(rng, ind, age, female, z[person_fam], fam["_kelurahan"][person_fam], geo, kab_pos)
    ind["nik"] = make_nik(geo.kode_kec[ind["_desa"]], born, female, serial_base=serial_base)
    ind["_cacat"] = np.zeros(total, dtype=np.int16)
    return ind, size


def _birthplaces(rng: np.random.Generator, geo: ProvinceGeo, kab_pos: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Codes into `birthplace_vocabulary(geo)`: the kab/kota's own, another of the province, or one far away."""
    n = kab_pos.size
    draw = rng.random(n)
    migrant_p = np.where(age < 15, 0.05, 0.25)
    same_prov = rng.integers(0, geo.kab_codes.size, n)
    far = geo.kab_codes.size + rng.integers(0, geo.other_birthplaces.size, n)
    return np.where(draw < migrant_p * 0.7, same_prov, np.where(draw < migrant_p, far, kab_pos)).astype(np.int32)


def birthplace_vocabulary(geo: ProvinceGeo) -> np.ndarray:
    """What the tempat_lahir codes stand for: the province's kab/kota, then the nation's birthplaces."""
    return np.concatenate([geo.kab_birthplace, geo.other_birthplaces])


def _add_person_traits(
    rng: np.random.Generator,
    ind: Columns,
    age: np.ndarray,
    female: np.ndarray,
    z: np.ndarray,
    kelurahan: np.ndarray,
    geo: ProvinceGeo,
    kab_pos: np.ndarray,
) -> None:
    total = age.size
    ind["status_padan"] = (rng.random(total) < geo.kab_padan[kab_pos]).astype(np.int8)
    frail = 0.008 + 0.0009 * np.maximum(age - 45, 0) + 0.004 * (z < -1)
    for col in SULIT:
        ind[col] = rng.random(total) < frail
    chronic = rng.random(total) < np.clip(0.01 + 0.004 * np.maximum(age - 35, 0), 0, 0.35)
    ind["penyakit_kronis"] = np.where(chronic, 1 + rng.integers(0, PENYAKIT.size, total), 0).astype(np.int8)
    youth_bonus = np.clip((60 - age) / 40, 0, 1)
    edu = _ordered(rng, z + youth_bonus, [-0.9, 0.2, 0.9, 2.2, 2.7])
    edu = np.where(age < 13, 0, np.where(age < 16, np.minimum(edu, 1), np.where(age < 19, np.minimum(edu, 2), edu)))
    ind["pendidikan_tertinggi"] = edu.astype(np.int8)
    in_school = (age >= 6) & (age < 19) & (rng.random(total) < _sigmoid(2.2 + 0.8 * z - 0.25 * np.maximum(age - 12, 0)))
    ind["partisipasi_sekolah"] = np.where(
        age < 6, BELUM_SEKOLAH, np.where(in_school, MASIH_SEKOLAH, np.where(edu == 0, TIDAK_SEKOLAH, PUTUS_SEKOLAH))
    ).astype(np.int8)
    job_rural = rng.integers(0, PEKERJAAN_DESA.size, total)
    job_urban = PEKERJAAN_DESA.size + rng.integers(0, PEKERJAAN_KOTA.size, total)
    job = np.where(kelurahan, job_urban, job_rural)
    works = (age >= 15) & ~in_school & (rng.random(total) < np.where(female, 0.45, 0.88))
    pekerjaan = np.where(works, job, np.where(female & (age >= 18), MENGURUS_RUMAH_TANGGA, TIDAK_BEKERJA))
    pekerjaan = np.where(in_school, PELAJAR, pekerjaan)
    pekerjaan = np.where((age >= 65) & (rng.random(total) < 0.6), TIDAK_BEKERJA, pekerjaan)
    ind["pekerjaan"] = pekerjaan.astype(np.int8)
    ind["keberadaan"] = np.full(total, ADA, dtype=np.int8)
    ind["tanggal_keberadaan"] = np.full(total, np.datetime64("NaT"), dtype="datetime64[D]")
    ind["status_aktif"] = np.ones(total, dtype=bool)


def group_rank(key: np.ndarray) -> np.ndarray:
    """Rank of each element among equal keys, in input order (0 for the first)."""
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.r_[0, np.flatnonzero(sorted_key[1:] != sorted_key[:-1]) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, key.size]))
    rank = np.empty(key.size, dtype=np.int64)
    rank[order] = np.arange(key.size) - group_start
    return rank


def civil_date(day_numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of days since 1970-01-01 in integer arithmetic (the proleptic Gregorian calendar, as
    numpy's datetime64, without its per-element calendar conversion)."""
    z = np.asarray(day_numbers, dtype=np.int64) + 719_468  # days since 0000-03-01
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153  # months since March
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    return yoe + era * 400 + (month <= 2), month, day


def _ddmmyy(day_numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    years, months, days = civil_date(day_numbers)
    return days, months, years % 100


def make_nik(kode_kec: np.ndarray, born: np.ndarray, female: np.ndarray, serial_base: int) -> pa.Array:
    """NIK: kecamatan of issue + DDMMYY (day + 40 for women) + a serial numbered per region and date."""
    days, months, yy = _ddmmyy(born)
    days = days + 40 * female
    prefix = kode_kec.astype(np.int64)
    key = prefix * 1_000_000 + days * 10_000 + months * 100 + yy
    serial = serial_base + group_rank(key)
    return _decimal(key * 10_000 + serial)


def make_kk(rng: np.random.Generator, kode_kec: np.ndarray, period_day: int, serial_base: int = 1) -> pa.Array:
    """No KK: kecamatan + issue date DDMMYY + a serial numbered per region and date."""
    issued = period_day - rng.integers(60, 20 * 365, kode_kec.size)
    days, months, yy = _ddmmyy(issued)
    key = kode_kec.astype(np.int64) * 1_000_000 + days * 10_000 + months * 100 + yy
    return _decimal(key * 10_000 + serial_base + group_rank(key))


def _decimal(numbers: np.ndarray) -> pa.Array:
    """Decimal strings of integers (Arrow's cast is several times numpy's astype(str))."""
    return pc.cast(pa.array(numbers, type=pa.int64()), pa.string())
