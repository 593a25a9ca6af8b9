"""The only module with Streamlit caching. Cached results are keyed by the served generation, so a newly
published register is picked up at once, and by every parameter (region scopes included)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from portal import access, geo, public
from portal.accounts import Accounts
from portal.config import get_settings
from portal.db import QueryError, current_register
from portal.periods import period_end
from portal.privacy.row_tokens import load_secret
from portal.privacy.throttle import StoreThrottle, parse_limit
from portal.snapshot import Manifest
from portal.store import Store, open_store


def served_manifest() -> Manifest:
    """The manifest of the register being served (raises NoRegisterError when there is none)."""
    return current_register().manifest


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def _cached_query(generation: str, name: str, params: tuple[tuple[str, object], ...]) -> pd.DataFrame:
    return current_register().run(name, **dict(params))


def has_table(table: str) -> bool:
    """Whether the served generation holds `table` (a derived table is absent from a register built before it)."""
    return table in current_register().views  # the names of the tables with views (`<table>_all`)


def query(name: str, **params: object) -> pd.DataFrame:
    """A named query's result, cached per generation and parameters."""
    generation = current_register().manifest.generation
    return _cached_query(generation, name, tuple(sorted(params.items())))


@lru_cache(maxsize=16_384)  # about 7,800 parents in all (nation, provinsi, kab/kota, kecamatan)
def _region_names(generation: str, tingkat: str, induk: str) -> MappingProxyType[str, str]:
    rows = current_register().run("wilayah_children", tingkat=tingkat, induk=induk)
    return MappingProxyType(dict(zip(rows["kode"], rows["nama"], strict=True)))


def region_names(tingkat: str, induk: str) -> Mapping[str, str]:
    """The regions of a level under `induk` ('' = the nation), kode → nama in the query's order, for pickers.
    A read-only mapping shared by every session, keyed by the generation: no copy per rerun (unlike `query`)
    and no Streamlit cache-key hashing, since the picker asks for four of them on every rerun."""
    return _region_names(current_register().manifest.generation, tingkat, induk)


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_boundaries(geo_dir: str, stamp: float, level: str, parent: str | None) -> gpd.GeoDataFrame:
    return geo.load_boundaries(Path(geo_dir), level, parent)


def boundaries_imported(level: str) -> bool:
    """Whether boundaries of `level` have been imported."""
    geo_dir = get_settings().geo_dir
    return (geo_dir / "manifest.json").is_file() and level in geo.available_levels(geo_dir)


def boundaries(level: str, parent: str | None = None) -> gpd.GeoDataFrame | None:
    """Imported boundaries of a level (under `parent`), or None when they have not been imported."""
    if not boundaries_imported(level):
        return None
    geo_dir = get_settings().geo_dir
    return _cached_boundaries(str(geo_dir), (geo_dir / "manifest.json").stat().st_mtime, level, parent)


@st.cache_resource(show_spinner=False, max_entries=64, ttl=3600)
def _figure(generation: str, geo_stamp: float, key: tuple[str, ...], _build: Callable[[], go.Figure]) -> go.Figure:
    return _build()


def shared_figure(key: tuple[str, ...], build: Callable[[], go.Figure]) -> go.Figure:
    """A figure built by `build` once per `key` (which must name everything it shows besides the served register
    and the imported boundaries, e.g. page, period and indicator) and shared by every session: a national
    choropleth takes about 240 ms of CPU to build. Never mutate the figure returned."""
    manifest = get_settings().geo_dir / "manifest.json"
    stamp = manifest.stat().st_mtime if manifest.is_file() else 0.0
    return _figure(current_register().manifest.generation, stamp, key, build)


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def _desa_people(generation: str, periode: str, kode_desa: str) -> pd.DataFrame:
    people = current_register().run("desa_people", periode=periode, akhir=period_end(periode), kode_desa=kode_desa)
    return public.with_search_keys(people)


def desa_people(periode: str, kode_desa: str) -> pd.DataFrame:
    """Everyone listed in a desa in a period (public columns only) with name search keys; cached."""
    return _desa_people(current_register().manifest.generation, periode, kode_desa)


@st.cache_data(show_spinner=False, max_entries=4096, ttl=3600)
def _search_desa(generation: str, periode: str, kode_desa: str, kunci: str, policy: str) -> pd.DataFrame:
    found = public.find_people(_desa_people(generation, periode, kode_desa), kunci)
    return public.public_rows(found, policy, token_secret(), periode)


def search_desa(periode: str, kode_desa: str, kunci: str, policy: str) -> pd.DataFrame:
    """Cek Status's answer: the public rows (names masked by `policy`, opaque tokens) of at most
    `public.MAX_RESULTS` people of a desa whose name matches the search key `kunci`; cached, so a name searched
    again (a popular one, or the same person pressing Cari twice) costs no search."""
    return _search_desa(current_register().manifest.generation, periode, kode_desa, kunci, policy)


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def _recipient_lists(generation: str, periode: str, kode_desa: str, policy: str) -> dict[str, pd.DataFrame]:
    people = _desa_people(generation, periode, kode_desa)
    return {
        program: public.public_rows(penerima, policy, b"", periode, tokens=False)
        for program, penerima in public.recipients_by_programme(people).items()
    }


def recipient_lists(periode: str, kode_desa: str, policy: str) -> dict[str, pd.DataFrame]:
    """Daftar Uji Publik's lists: the desa's active recipients per programme as public rows (names masked by
    `policy`, no tokens: these lists link to no form); cached per desa."""
    return _recipient_lists(current_register().manifest.generation, periode, kode_desa, policy)


@st.cache_resource(show_spinner=False)
def throttle(limit: str) -> StoreThrottle:
    """The limiter for a configured limit such as '30/600' (keys: session ids, client addresses), counted in the
    store so that every replica shares it."""
    count, window = parse_limit(limit)
    return StoreThrottle(store(), token_secret(), count, window)


@st.cache_resource(show_spinner=False)
def token_secret() -> bytes:
    """The key behind opaque row tokens."""
    return load_secret(get_settings().data_dir)


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The transactional store for objections and proposals (SQLite by default, PostgreSQL if configured)."""
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return open_store(settings.db_url)


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def _cached_scoped(
    generation: str, role: str, region: str, name: str, params: tuple[tuple[str, object], ...]
) -> pd.DataFrame:
    return current_register().run(name, **dict(params))


def scoped_query(scope: access.Scope, region: str, name: str, **params: object) -> pd.DataFrame:
    """A named query about `region` for a signed-in official: refused (AccessDenied) outside their scope, and
    cached under their role and region so no cached answer crosses scopes."""
    try:
        access.require(scope, region)
    except access.AccessDenied:
        store().audit(scope.user, "ditolak", region, {"query": name, "peran": scope.role})
        raise
    generation = current_register().manifest.generation
    return _cached_scoped(generation, scope.role, scope.region, name, tuple(sorted(params.items())))


@st.cache_resource(show_spinner=False)
def accounts() -> Accounts:
    """Staff accounts and OIDC identity mappings, in the store's database."""
    return Accounts(store())


def person_rows(scope: access.Scope, region: str, name: str, **params: object) -> pd.DataFrame:
    """Rows about persons for a one-off export, never cached (up to 100,000 rows): AccessDenied unless the scope
    may see persons in `region`. Uses no st.* so a deferred download may call it from its own thread; the
    caller audits."""
    access.require_persons(scope, region)
    return current_register().run(name, **params)


def precomputed_or_none(scope: access.Scope, region: str, name: str, **params: object) -> pd.DataFrame | None:
    """A scoped query over a table derived at build time, or None when that table is absent (a register built
    before it existed) or holds nothing for these parameters, so the caller computes the answer live."""
    try:
        rows = scoped_query(scope, region, name, **params)
    except QueryError:
        return None
    return rows if len(rows) else None


@st.cache_data(show_spinner=False, max_entries=4096, ttl=3600)
def _search_desa_counted(
    generation: str, periode: str, kode_desa: str, kunci: str, policy: str, rt_rw: str | None, umur: str | None
) -> tuple[pd.DataFrame, int]:
    found, total = public.match_people(_desa_people(generation, periode, kode_desa), kunci, rt_rw, umur)
    return public.public_rows(found, policy, token_secret(), periode), total


def search_desa_counted(
    periode: str, kode_desa: str, kunci: str, policy: str, rt_rw: str | None = None, umur: str | None = None
) -> tuple[pd.DataFrame, int]:
    """Cek Status's answer with its size: at most `public.MAX_RESULTS` public rows of a desa's people whose name
    matches `kunci` (optionally in one RT/RW and one age band), and how many matched in all; cached like
    `search_desa`."""
    generation = current_register().manifest.generation
    return _search_desa_counted(generation, periode, kode_desa, kunci, policy, rt_rw, umur)


@st.cache_data(show_spinner=False, max_entries=1024, ttl=3600)
def _desa_rt_rw(generation: str, periode: str, kode_desa: str) -> list[str]:
    return public.rt_rw_choices(_desa_people(generation, periode, kode_desa))


def desa_rt_rw(periode: str, kode_desa: str) -> list[str]:
    """The RT/RW values of a desa ('003/005'), to narrow a name search; cached."""
    return _desa_rt_rw(current_register().manifest.generation, periode, kode_desa)


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def _notice_lists(generation: str, periode: str, kode_desa: str, policy: str) -> tuple[list[str], pd.DataFrame]:
    from portal import notice_lists

    people = _desa_people(generation, periode, kode_desa)
    return notice_lists.desa_rts(people), notice_lists.recipients(people, policy, periode)


def notice_lists(periode: str, kode_desa: str, policy: str) -> tuple[list[str], pd.DataFrame]:
    """Daftar Uji Publik's RT choice and printed notice: the desa's RT/RW in order, and its recipients as public
    rows (one row per person with the programmes they receive, names masked by `policy`); cached per desa."""
    return _notice_lists(current_register().manifest.generation, periode, kode_desa, policy)


@st.cache_data(show_spinner=False, max_entries=1024, ttl=3600)
def _usulan_subjects(generation: str, periode: str, kode_desa: str) -> dict[str, dict[str, str]]:
    from portal.privacy.masks import mask_name

    secret = token_secret()
    usulan = current_register().run("desa_usulan", periode=periode, kode_desa=kode_desa)
    found: dict[str, dict[str, str]] = {}
    for p, i, jenis, nama in usulan[["periode", "id_usulan", "jenis", "nama_kepala_keluarga"]].itertuples(index=False):
        found.setdefault(public.usulan_token(secret, str(p), int(i)), {"nama": mask_name(nama), "jenis_usulan": jenis})
    return found


@st.cache_data(show_spinner=False, max_entries=1024, ttl=3600)
def _person_tokens(generation: str, periode: str, kode_desa: str) -> dict[str, int]:
    from portal.privacy.row_tokens import row_token

    secret = token_secret()
    people = _desa_people(generation, periode, kode_desa)
    return {row_token(secret, periode, int(i)): int(i) for i in people["id_dtks"]}


def ticket_subject(
    scope: access.Scope, periode: str, kode_desa: str, token: str | None, *, persons: bool = True
) -> dict[str, str] | None:
    """What an objection refers to, by its opaque row token: {'nama': masked name, 'jenis_usulan': tambah /
    penghentian} for a musdes usulan of the desa, {'nama': masked name} for a person listed in the desa in that
    period (only when `persons`: that costs a scan of the desa, about 0.1–0.3 s cold, then cached per desa); None
    when the token names nothing there. Only masked names leave this function; refused outside the scope."""
    if not token:
        return None
    access.require_persons(scope, kode_desa)
    generation = current_register().manifest.generation
    if token.startswith(public.USULAN_PREFIX):
        return _usulan_subjects(generation, periode, kode_desa).get(token)
    if not persons:
        return None
    found = _person_tokens(generation, periode, kode_desa).get(token)
    if found is None:
        return None
    from portal.privacy.masks import mask_name

    people = _desa_people(generation, periode, kode_desa)
    return {"nama": mask_name(people.loc[people["id_dtks"] == found, "nama"].iloc[0])}


def region_name(kode: str) -> str | None:
    """The name of a region of any level ('' = the nation), from the pickers' shared tables; None if unknown."""
    from portal import regions

    tingkat = regions.code_level(kode)
    if tingkat in (None, "nasional"):
        return regions.NATION_NAME if kode == "" else None
    try:
        return region_names(tingkat, regions.parent_code(kode)).get(kode)
    except Exception:  # no register served: the caller shows the code
        return None
