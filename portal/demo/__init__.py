"""The synthetic DTKS register: built province by province and, inside a province, block by block (whole
kecamatan in code order, up to BLOCK_FAMILIES families each), every period of a block before the next block, then
published atomically.

A block is the unit of generation: its random streams, its ids and the people who move or are born in it are its
own, so memory holds one block (all periods) plus one row group per file being written, whatever the register's
size. Blocks are consecutive in kode_desa order, so appending each block's sorted rows writes the province's files
sorted without holding the province."""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from portal.config import Settings
from portal.demo import churn, defects, musdes
from portal.demo.columns import Coded, Columns, vocabulary_arrays
from portal.demo.columns import to_arrow as columns_to_arrow
from portal.demo.households import ProvinceGeo, make_families, vocabularies
from portal.demo.plan import DEFAULT_DENSE, DEFAULT_INDIVIDUALS, MIN_FAMILIES_PER_KEC, Plan, PlanError, make_plan
from portal.periods import period_end
from portal.rollups import build_derived
from portal.schema import SCHEMAS, to_arrow
from portal.snapshot import Manifest, PartitionWriter, Staging, partition_path, staging, write_table
from portal.wilayah import load_code_tables, load_kab_stats, short_kab_name

LAST_PERIOD = "2026-09"
PAPUA = ("91", "92", "93", "94", "95", "96")
# Families of the base period per block (whole kecamatan are never split): what bounds the generator's memory.
# Part of what the data are: changing it changes the register a seed gives.
BLOCK_FAMILIES = 50_000
# Id ranges per block: families prov·10¹⁰ + block·10⁷ + n, people prov·10¹¹ + block·10⁸ + n.
BLOCK_FAMILY_IDS, BLOCK_PERSON_IDS = 10**7, 10**8
GENERATED_TABLES = ("keluarga", "individu", "musdes", "usulan", "truth_cacat", "truth_usulan")

__all__ = ["DemoOptions", "PlanError", "build_demo", "period_list"]


@dataclass(frozen=True)
class DemoOptions:
    """What `python -m portal demo` was asked for."""

    individuals: int = DEFAULT_INDIVIDUALS
    provinces: tuple[str, ...] | None = None
    periods: int = 4
    seed: int = 1
    dense: tuple[str, ...] = field(default=DEFAULT_DENSE)
    last_period: str = LAST_PERIOD


def period_list(count: int, last: str = LAST_PERIOD) -> list[str]:
    """`count` quarterly periods ending at `last`, oldest first."""
    if not 1 <= count <= 40:
        raise PlanError(f"--periods must be between 1 and 40, got {count}")
    year, month = (int(p) for p in last.split("-"))
    index = year * 12 + month - 1
    return [f"{(index - 3 * k) // 12:04d}-{(index - 3 * k) % 12 + 1:02d}" for k in range(count - 1, -1, -1)]


def quarter_start(periode: str) -> date:
    """First day of the quarter that a period closes ('2026-09' → 2026-07-01)."""
    year, month = (int(p) for p in periode.split("-"))
    index = year * 12 + month - 1 - 2
    return date(index // 12, index % 12 + 1, 1)


def _rng(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([seed, *keys])


def _province_geo(plan: Plan, kode_prov: str, seed: int) -> tuple[ProvinceGeo, np.ndarray]:
    """Desa of the province with kab-level parameters; also the per-kab musdes compliance."""
    codes = load_code_tables()
    desa = codes["desa"][codes["desa"]["kode_prov"] == kode_prov].sort_values("kode_desa")
    kab = plan.kab[plan.kab["kode_prov"] == kode_prov].sort_values("kode_kab")
    kab_codes = kab["kode_kab"].to_numpy().astype(object)
    rng = _rng(seed, int(kode_prov), 0, 0)
    n_kab, n_desa = kab_codes.size, len(desa)
    kelurahan = desa["jenis"].eq("kelurahan").to_numpy()
    padan = np.clip(rng.normal(0.84 if kode_prov not in PAPUA else 0.62, 0.05, n_kab), 0.4, 0.97)
    stale = rng.uniform(6, 30, n_kab)
    compliance = np.clip(rng.beta(4.0, 1.6, n_kab), 0.3, 0.98)
    all_kec = codes["kecamatan"]["kode_kec"].to_numpy().astype(object)
    kab_names = codes["kabupaten"].set_index("kode_kab")["nama_kab"]
    geo = ProvinceGeo(
        kode_prov=kode_prov,
        kode_desa=desa["kode_desa"].to_numpy().astype(object),
        kode_kec=desa["kode_kec"].to_numpy().astype(object),
        kode_kab=desa["kode_kab"].to_numpy().astype(object),
        kelurahan=kelurahan,
        kab_index=np.searchsorted(kab_codes, desa["kode_kab"].to_numpy()),
        n_dusun=rng.integers(2, 8, n_desa),
        n_rw=np.where(kelurahan, rng.integers(5, 19, n_desa), rng.integers(2, 10, n_desa)),
        dusun_offset=rng.integers(0, 1000, n_desa),
        kab_codes=kab_codes,
        kab_p0=kab["p0"].to_numpy(dtype=float),
        kab_padan=padan,
        kab_stale=stale,
        kab_birthplace=np.array([short_kab_name(kab_names[k]) for k in kab_codes], dtype=object),
        other_birthplaces=np.array(sorted({short_kab_name(n) for n in kab_names}), dtype=object),
        foreign_kec=np.sort(all_kec[~np.char.startswith(all_kec.astype(str), kode_prov)]),
    )
    return geo, compliance


def _allocate(rng: np.random.Generator, plan: Plan, geo: ProvinceGeo) -> np.ndarray:
    """Desa index of every family: a minimum per kecamatan where the budget allows, the rest by desa size."""
    weight = rng.lognormal(0.0, 0.7, geo.kode_desa.size) * np.where(geo.kelurahan, 2.5, 1.0)
    kab = plan.kab.set_index("kode_kab")
    out = []
    for k, kode_kab in enumerate(geo.kab_codes):
        rows = np.flatnonzero(geo.kab_index == k)
        if rows.size == 0:
            continue
        families = int(kab.at[kode_kab, "keluarga"])
        kec, kec_of_row = np.unique(geo.kode_kec[rows], return_inverse=True)
        kec_weight = np.bincount(kec_of_row, weights=weight[rows])
        if families >= 3 * MIN_FAMILIES_PER_KEC * kec.size:
            base = MIN_FAMILIES_PER_KEC
        else:
            base = 1 if families >= kec.size else 0
        per_kec = base + rng.multinomial(families - base * kec.size, kec_weight / kec_weight.sum())
        for c in np.flatnonzero(per_kec):
            members = rows[kec_of_row == c]
            p = weight[members] / weight[members].sum()
            out.append(members[rng.choice(members.size, per_kec[c], p=p)])
    return np.sort(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)


def _truth_cacat(state: churn.ProvinceState, geo: ProvinceGeo) -> Columns:
    parts = []
    for bit, kind in defects.KINDS.items():
        rows = state.keluarga if bit == defects.DESIL_KOSONG else state.individu
        hit = rows.take((rows["_cacat"] & bit) != 0)
        n = len(hit)
        parts.append(
            Columns(
                {
                    "kode_desa": geo.kode_desa[hit["_desa"]],
                    "jenis": kind,
                    "id_keluarga": hit["id_keluarga"],
                    # a family's defect has no person: 0 is written as null
                    "id_dtks": hit["id_dtks"] if "id_dtks" in hit else np.zeros(n, dtype=np.int64),
                    "kode_kab": geo.kode_kab[hit["_desa"]],
                },
                length=n,
            )
        )
    return Columns.concat(parts)


def _write_period(
    writers: dict[str, PartitionWriter],
    geo: ProvinceGeo,
    coded: Coded,
    state: churn.ProvinceState,
    q: musdes.QuarterDecisions,
) -> int:
    fam, ind = state.keluarga, state.individu
    writers["keluarga"].write(columns_to_arrow("keluarga", fam, coded))
    no_kk = fam["no_kk"].take(pa.array(churn.person_family_rows(state)))
    writers["individu"].write(columns_to_arrow("individu", ind.with_column("no_kk", no_kk), coded))
    tables = {"musdes": q.musdes, "usulan": q.usulan, "truth_cacat": _truth_cacat(state, geo), "truth_usulan": q.truth}
    for name, cols in tables.items():
        writers[name].write(columns_to_arrow(name, cols))
    return len(state.individu)


def _write_code_tables(root: Path, plan: Plan) -> None:
    codes = load_code_tables()

    kab = codes["kabupaten"].merge(
        plan.kab[
            ["kode_kab", "penduduk", "p0", "sumber_statistik", "register_penuh", "keluarga", "faktor_skala", "padat"]
        ].rename(columns={"keluarga": "keluarga_sintetis"}),
        on="kode_kab",
        how="left",
    )
    tables = {
        "wilayah_provinsi": codes["provinsi"],
        "wilayah_kabupaten": kab,
        "wilayah_kecamatan": codes["kecamatan"],
        "wilayah_desa": codes["desa"],
    }
    for name, frame in tables.items():
        write_table(partition_path(root, name), pa.Table.from_pandas(frame, preserve_index=False))


def blocks_of(kode_kec: np.ndarray, per_desa: np.ndarray, limit: int | None = None) -> list[tuple[int, int]]:
    """Desa ranges [start, stop) of whole kecamatan, consecutive in code order, each holding at most `limit`
    (BLOCK_FAMILIES) families (a kecamatan with more is a block of its own); `per_desa`: families per desa."""
    limit = BLOCK_FAMILIES if limit is None else limit
    starts = np.r_[0, np.flatnonzero(kode_kec[1:] != kode_kec[:-1]) + 1] if kode_kec.size else np.zeros(0, int)
    stops = np.r_[starts[1:], kode_kec.size].astype(int)
    families = np.add.reduceat(per_desa, starts) if starts.size else np.zeros(0, int)
    blocks: list[tuple[int, int]] = []
    start, held = 0, 0
    for kec_start, kec_stop, count in zip(starts.tolist(), stops.tolist(), families.tolist(), strict=True):
        if held and held + count > limit:
            blocks.append((start, kec_start))
            start, held = kec_start, 0
        held += count
        if kec_stop == kode_kec.size:
            blocks.append((start, kec_stop))
    return [b for b in blocks if per_desa[b[0] : b[1]].sum() > 0]


def _block_geo(geo: ProvinceGeo, start: int, stop: int) -> ProvinceGeo:
    """The province's geography cut to the desa of one block (kab-level arrays unchanged)."""
    per_desa = ("kode_desa", "kode_kec", "kode_kab", "kelurahan", "kab_index", "n_dusun", "n_rw", "dusun_offset")
    return dataclasses.replace(geo, **{name: getattr(geo, name)[start:stop] for name in per_desa})


def _build_block(
    writers: dict[tuple[str, str], PartitionWriter],
    geo: ProvinceGeo,
    compliance: np.ndarray,
    desa_idx: np.ndarray,
    options: DemoOptions,
    periods: list[str],
    slot: int,
    block: int,
    foreign_serials: dict[int, int],
    pool: defects.DonorPool,
) -> int:
    prov = int(geo.kode_prov)
    base_end = period_end(periods[0])
    rng = _rng(options.seed, prov, 3, block)
    next_ids = [prov * 10**10 + block * BLOCK_FAMILY_IDS + 1, prov * 10**11 + block * BLOCK_PERSON_IDS + 1]
    batch = make_families(rng, geo, desa_idx, base_end, next_ids[0], next_ids[1])
    next_ids[0] += len(batch.keluarga)
    next_ids[1] += len(batch.individu)
    base_day = int(np.datetime64(base_end, "D").astype(np.int64))
    defects.inject(rng, batch.keluarga, batch.individu, geo, slot, base_day, foreign_serials, pool)
    state = churn.new_state(batch, next_ids)
    coded = vocabulary_arrays(vocabularies(geo))
    written = 0
    decisions: musdes.QuarterDecisions | None = None
    for k, periode in enumerate(periods):
        end = period_end(periode)
        start = quarter_start(periode)
        period_rng = _rng(options.seed, prov, 4, block, k)
        if decisions is not None:
            churn.advance(period_rng, state, geo, decisions, start, end, k)
        else:
            churn.mark_protected(state)
        decisions = musdes.hold_musdes(period_rng, geo, state.keluarga, compliance, start, end, state.next_ids, k)
        written += _write_period({t: writers[(t, periode)] for t in GENERATED_TABLES}, geo, coded, state, decisions)
    if state.next_ids[0] - next_ids[0] >= BLOCK_FAMILY_IDS or state.next_ids[1] - next_ids[1] >= BLOCK_PERSON_IDS:
        raise PlanError(f"block {block} of province {geo.kode_prov} ran out of ids: use fewer --periods")
    return written


def _build_province(
    stage: Staging, plan: Plan, options: DemoOptions, periods: list[str], kode_prov: str, slot: int
) -> int:
    geo, compliance = _province_geo(plan, kode_prov, options.seed)
    desa_idx = _allocate(_rng(options.seed, int(kode_prov), 1, 0), plan, geo)
    per_desa = np.bincount(desa_idx, minlength=geo.kode_desa.size)
    writers = {
        (table, periode): PartitionWriter(partition_path(stage.root, table, periode, kode_prov), SCHEMAS[table])
        for periode in periods
        for table in GENERATED_TABLES
    }
    foreign_serials: dict[int, int] = {}  # serials already issued per foreign prefix and date in this province
    pool = defects.DonorPool()
    written = 0
    blocks = blocks_of(geo.kode_kec, per_desa)
    if len(blocks) * BLOCK_FAMILY_IDS >= 10**10:  # the id ranges of a province hold 1,000 blocks
        raise PlanError(f"province {kode_prov} needs {len(blocks):,} blocks, more than its 1,000 id ranges")
    for block, (start, stop) in enumerate(blocks):
        lo, hi = np.searchsorted(desa_idx, [start, stop])
        written += _build_block(
            writers,
            _block_geo(geo, start, stop),
            compliance,
            desa_idx[lo:hi] - start,
            options,
            periods,
            slot,
            block,
            foreign_serials,
            pool,
        )
    # Donors whose NIK a later block copied: reserved people never churn, so the same row in every period. They
    # come after the province's blocks in the truth table (sorted among themselves).
    donors = to_arrow("truth_cacat", pool.used_truth())
    for periode in periods:
        writers[("truth_cacat", periode)].write(donors)
    for writer in writers.values():
        writer.close()
    return written


@contextlib.contextmanager
def _no_script_main() -> Iterator[None]:
    """Hide the file of a `__main__` that is a script run by an embedding program (Streamlit or its AppTest run
    page scripts as `__main__`): spawned workers would run that script again before building anything. The
    workers need nothing from `__main__`: they import portal.demo."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


def _provinces(
    stage: Staging, plan: Plan, options: DemoOptions, periods: list[str], workers: int
) -> Iterator[tuple[str, int]]:
    """Build every province (each writes only its own files, from its own random streams), `workers` at a time
    in child processes; yields (province, person-rows) in province order."""
    slots = list(enumerate(plan.provinces))
    if workers <= 1 or len(slots) <= 1:
        for slot, kode_prov in slots:
            yield kode_prov, _build_province(stage, plan, options, periods, kode_prov, slot)
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process that may hold Arrow's threads
    with ProcessPoolExecutor(max_workers=min(workers, len(slots)), mp_context=context) as pool:
        with _no_script_main():  # the workers start on these submissions
            futures = [
                pool.submit(_build_province, stage, plan, options, periods, kode_prov, slot)
                for slot, kode_prov in slots
            ]
        try:
            for (_, kode_prov), future in zip(slots, futures, strict=True):
                yield kode_prov, future.result()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)  # build no further province once one failed
            raise


def build_demo(options: DemoOptions, settings: Settings, progress: Callable[[str], None] = print) -> Manifest:
    """Generate the register described by `options` and publish it as the served register."""
    periods = period_list(options.periods, options.last_period)
    stats = load_kab_stats(settings.ref_dir)
    plan = make_plan(stats, options.individuals, options.provinces, options.dense)
    source = "reference files" if (stats["sumber_statistik"] == "referensi").all() else "built-in fallback"
    progress(
        f"Building a synthetic register: {len(plan.provinces)} provinces, {len(plan.kab)} kab/kota, "
        f"~{plan.total_families:,} families, periods {', '.join(periods)} (population and P0: {source})"
    )
    started = time.monotonic()
    with staging(settings.register_dir) as stage:
        _write_code_tables(stage.root, plan)
        rows = 0
        for slot, (kode_prov, written) in enumerate(_provinces(stage, plan, options, periods, settings.build_workers)):
            rows += written
            elapsed = time.monotonic() - started
            done = (slot + 1) / len(plan.provinces)
            eta = elapsed / done - elapsed
            progress(
                f"  [{slot + 1:2d}/{len(plan.provinces)}] province {kode_prov}: {rows:,} person-rows written, "
                f"{rows / max(elapsed, 1e-9):,.0f} rows/s, ETA {eta:,.0f} s"
            )
        build_derived(stage.root, periods, settings, progress)
        details = {
            "options": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(options).items()},
            "statistics_source": source,
            "defect_rates": defects.RATES,
            "person_rows": rows,
            "block_families": BLOCK_FAMILIES,
        }
        manifest = stage.publish(periods, source="demo", details=details)
    progress(f"Published {manifest.generation} ({', '.join(periods)}) in {time.monotonic() - started:,.1f} s")
    return manifest
