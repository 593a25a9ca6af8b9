"""The open data API: the aggregates Statistik Publik shows, with the same suppression, as JSON or CSV.

    GET /api/v1/periode         the periods served and the register generation
    GET /api/v1/statistik       families per programme    ?periode=YYYY-MM &provinsi=KK &kabupaten=KKKK &format=csv
    GET /api/v1/desil           active families per welfare desil (the same parameters)
    GET /api/v1/akuntabilitas   objections handled and musdes held, per provinsi or per kab/kota of one provinsi

No personal data: only counts per region (families from the rollup; tickets from the store), suppressed exactly as
on the page (a cell hidden there is `null` here, empty in CSV). Every answer names its period, generation, source
and suppression rule (in the body for JSON, in `X-Portal-*` headers for CSV), carries an ETag and `Cache-Control`,
and is rate limited per client address in the store (`PORTAL_API_LIMIT`), so every replica shares the budget.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from typing import Any

import pandas as pd
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from portal import accountability, data, public
from portal.config import get_settings
from portal.db import NoRegisterError, QueryError
from portal.snapshot import SnapshotError
from portal.suppression import TOTAL

CACHE_SECONDS = 300
THRESHOLD = 10  # the suppression threshold of every public table (portal.suppression's default)
_DIGITS = {"provinsi": 2, "kabupaten": 4}
_ALLOWED = {"periode", "provinsi", "kabupaten", "format"}
SUPPRESSION_RULE = (
    "Sel di bawah {t} keluarga disembunyikan (null), bersama sel lain yang dapat dipakai untuk menghitungnya kembali "
    "dari jumlah; pola yang sama di setiap tingkat wilayah. Angka 0 ditampilkan."
)


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    headers = {"cache-control": "no-store", **(headers or {})}
    return JSONResponse({"galat": message}, status_code=status, headers=headers)


def _throttled(request: Request) -> float:
    address = request.client.host if request.client else "tanpa-alamat"
    return data.throttle(get_settings().api_limit).wait(f"api:{address}")


def _provenance(manifest: Any, periode: str) -> dict[str, Any]:
    source = "sintetis (data demonstrasi, bukan data warga)" if manifest.source == "demo" else manifest.source
    return {"periode": periode, "generasi": manifest.generation, "sumber": source, "diterbitkan": manifest.published_at}


KINDS = {
    "statistik": ("recipients_by_region", public.statistics_table, "keluarga aktif penerima program"),
    "desil": ("desil_by_region", public.desil_table, "keluarga aktif per desil kesejahteraan"),
    "akuntabilitas": (None, None, "tiket sanggahan/usul dan desa yang bermusyawarah"),
}


def _statistics(kind: str, params: dict[str, str]) -> tuple[dict[str, Any], pd.DataFrame]:
    unknown = sorted(set(params) - _ALLOWED)
    if unknown:
        known = ", ".join(sorted(_ALLOWED))
        raise ApiError(400, f"Parameter tidak dikenal: {', '.join(unknown)[:200]}. Yang dikenal: {known}.")
    manifest = data.served_manifest()
    periode = params.get("periode") or manifest.latest
    if periode not in manifest.periods:
        raise ApiError(404, f"Periode {periode[:20]!r} tidak tersedia. Tersedia: {', '.join(manifest.periods)}.")
    codes = []
    for level in ("provinsi", "kabupaten"):
        value = params.get(level)
        if value is None:
            break
        if not re.fullmatch(f"[0-9]{{{_DIGITS[level]}}}", value):
            raise ApiError(400, f"{level} harus kode Kemendagri {_DIGITS[level]} digit tanpa titik.")
        codes.append(value)
    if params.get("kabupaten") and not params.get("provinsi"):
        raise ApiError(400, "kabupaten hanya bersama provinsi induknya.")
    if len(codes) == 2 and not codes[1].startswith(codes[0]):
        raise ApiError(400, "kabupaten tidak berada di provinsi tersebut.")
    query, cells, unit = KINDS[kind]
    try:
        if kind == "akuntabilitas":
            values, labels = _accountability(periode, codes)
        else:

            def fetch(tingkat: str, induk: str) -> pd.DataFrame:
                return data.query(query, periode=periode, tingkat=tingkat, induk=induk)

            table, labels = public.statistics_path(fetch, codes, cells)
            values = table.values
    except KeyError:
        raise ApiError(404, "Wilayah tidak ditemukan pada periode ini.") from None
    meta = {
        **_provenance(manifest, periode),
        "tingkat": public.STAT_LEVELS[len(codes)],
        "induk": [{"kode": label.split(" · ", 1)[0], "nama": label.split(" · ", 1)[1]} for label in labels],
        "satuan": unit,
        "penekanan": {"ambang": THRESHOLD, "aturan": SUPPRESSION_RULE.format(t=THRESHOLD)},
    }
    return meta, values


def _accountability(periode: str, codes: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """What Statistik Publik shows under 'Akuntabilitas': per provinsi, or per kab/kota of one provinsi."""
    if len(codes) > 1:
        raise ApiError(400, "Angka akuntabilitas berhenti di kabupaten/kota: pilih paling banyak provinsi.")

    def rollup(tingkat: str, induk: str) -> pd.DataFrame:
        return data.query("recipients_by_region", periode=periode, tingkat=tingkat, induk=induk)

    provinces = public.statistics_table(rollup("provinsi", ""))
    region_labels, path = [provinces.index], []
    if codes:
        label = next((item for item in provinces.index if item.split(" · ", 1)[0] == codes[0]), None)
        if label is None:
            raise KeyError(codes[0])
        region_labels.append(public.statistics_table(rollup("kabupaten", codes[0])).index)
        path.append(label)
    values = accountability.figures(
        lambda prefix, length: data.store().outcome_counts(prefix, length, periode=periode),
        lambda tingkat, induk: data.query("musdes_compliance_by_region", periode=periode, tingkat=tingkat, induk=induk),
        region_labels,
        path,
    )
    return values, path


def _rows(values: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for label, row in values.iterrows():
        kode, nama = (None, TOTAL) if label == TOTAL else label.split(" · ", 1)
        cells = {str(col): (None if pd.isna(v) else int(v)) for col, v in row.items()}
        rows.append({"kode": kode, "nama": nama, **cells})
    return rows


def _csv(values: pd.DataFrame) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    rows = _rows(values)
    columns = list(rows[0]) if rows else ["kode", "nama"]
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in columns])
    return out.getvalue()


def _etag(meta: dict[str, Any], params: dict[str, str]) -> str:
    key = "|".join([meta["generasi"], meta["periode"], *(f"{k}={v}" for k, v in sorted(params.items()))])
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def table_endpoint(kind: str):
    """The handler of /api/v1/<kind>."""

    async def endpoint(request: Request) -> Response:
        return await _table_response(kind, request)

    return endpoint


async def _table_response(kind: str, request: Request) -> Response:
    params = dict(request.query_params)
    wait = await run_in_threadpool(_throttled, request)
    if wait > 0:
        seconds = str(max(1, round(wait)))
        return _error(429, "Terlalu banyak permintaan. Coba lagi nanti.", {"retry-after": seconds})
    fmt = params.get("format", "json")
    if fmt not in ("json", "csv"):
        return _error(400, "format harus json atau csv.")
    try:
        meta, values = await run_in_threadpool(_statistics, kind, params)
    except ApiError as exc:
        return _error(exc.status, exc.message)
    except (NoRegisterError, QueryError, SnapshotError):
        return _error(503, "Register belum tersedia atau sedang tidak dapat dibaca. Coba lagi nanti.")
    etag = _etag(meta, params)
    headers = {"cache-control": f"public, max-age={CACHE_SECONDS}", "etag": etag, "vary": "accept-encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if fmt == "csv":
        headers.update(
            {
                "x-portal-periode": meta["periode"],
                "x-portal-generasi": meta["generasi"],
                "x-portal-penekanan": f"ambang {meta['penekanan']['ambang']}; sel tersembunyi kosong",
                "content-disposition": f'attachment; filename="{kind}-{meta["tingkat"]}-{meta["periode"]}.csv"',
            }
        )
        return Response(_csv(values), media_type="text/csv; charset=utf-8", headers=headers)
    return JSONResponse({**meta, "baris": _rows(values)}, headers=headers)


async def periods(request: Request) -> Response:
    wait = await run_in_threadpool(_throttled, request)
    if wait > 0:
        return _error(429, "Terlalu banyak permintaan. Coba lagi nanti.", {"retry-after": str(max(1, round(wait)))})
    try:
        manifest = await run_in_threadpool(data.served_manifest)
    except (NoRegisterError, QueryError, SnapshotError):
        return _error(503, "Register belum tersedia.")
    body = {**_provenance(manifest, manifest.latest), "periode_tersedia": list(manifest.periods)}
    return JSONResponse(body, headers={"cache-control": f"public, max-age={CACHE_SECONDS}"})
