"""Atomic publication: nothing half-written is ever served, and a crashed writer leaves no trace."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from portal.snapshot import (
    MANIFEST,
    STAGING_PREFIX,
    PartitionWriter,
    SnapshotError,
    content_hash,
    partition_path,
    read_manifest,
    staging,
    write_table,
)


def _publish(register_dir: Path, value: int) -> str:
    with staging(register_dir) as stage:
        write_table(partition_path(stage.root, "t", "2026-09", "31"), pa.table({"v": [value]}))
        return stage.publish(["2026-09"], source="test", details={}).generation


def test_publish_then_replace(tmp_path: Path) -> None:
    first = _publish(tmp_path, 1)
    assert read_manifest(tmp_path).generation == first
    second = _publish(tmp_path, 2)
    assert second != first
    assert read_manifest(tmp_path).generation == second
    assert (tmp_path / first).is_dir()  # the previous generation is kept for readers still holding it
    third = _publish(tmp_path, 3)
    assert not (tmp_path / first).exists()  # older ones are pruned
    assert {p.name for p in tmp_path.glob("g-*")} == {second, third}


def test_same_content_same_generation(tmp_path: Path) -> None:
    assert _publish(tmp_path / "a", 7) == _publish(tmp_path / "b", 7)


def test_error_inside_staging_publishes_nothing(tmp_path: Path) -> None:
    first = _publish(tmp_path, 1)
    with pytest.raises(RuntimeError), staging(tmp_path) as stage:
        write_table(partition_path(stage.root, "t", "2026-09", "31"), pa.table({"v": [2]}))
        raise RuntimeError("boom")
    assert read_manifest(tmp_path).generation == first
    assert not list(tmp_path.glob(f"{STAGING_PREFIX}*"))


def _writer_that_hangs(register_dir: str) -> None:
    with staging(Path(register_dir)) as stage:
        write_table(partition_path(stage.root, "t", "2026-09", "31"), pa.table({"v": [99]}))
        os.kill(os.getpid(), signal.SIGKILL)  # die mid-build, like an OOM kill


def test_killed_writer_leaves_previous_register_serving(tmp_path: Path) -> None:
    first = _publish(tmp_path, 1)
    before = json.loads((tmp_path / MANIFEST).read_text())
    proc = multiprocessing.get_context("fork").Process(target=_writer_that_hangs, args=(str(tmp_path),))
    proc.start()
    proc.join(60)
    assert proc.exitcode == -signal.SIGKILL
    assert json.loads((tmp_path / MANIFEST).read_text()) == before
    assert list(tmp_path.glob(f"{STAGING_PREFIX}*"))  # the corpse is there ...
    second = _publish(tmp_path, 2)  # ... and the next writer starts clean
    assert not list(tmp_path.glob(f"{STAGING_PREFIX}*"))
    assert second != first


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    with staging(tmp_path), pytest.raises(SnapshotError, match="another process"), staging(tmp_path):
        pass


def test_unwritable_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")  # even root cannot create a directory under a file
    with pytest.raises(SnapshotError, match="cannot write"), staging(blocker / "register"):
        pass


def test_manifest_pointing_nowhere_is_reported(tmp_path: Path) -> None:
    _publish(tmp_path, 1)
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    manifest["generation"] = "g-missing"
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(SnapshotError, match="missing"):
        read_manifest(tmp_path)


def test_content_hash_changes_with_bytes(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"1")
    first = content_hash(tmp_path)
    (tmp_path / "a").write_bytes(b"2")
    assert content_hash(tmp_path) != first


@pytest.mark.parametrize("pieces", [[250_001], [1, 99_999, 150_001], [7] * 3 + [249_980], [100_000, 100_000, 50_001]])
def test_partition_writer_same_bytes_whatever_the_pieces(tmp_path: Path, pieces: list[int]) -> None:
    rows = sum(pieces)
    table = pa.table({"kode_desa": [f"{i // 97:010d}" for i in range(rows)], "n": pa.array(range(rows), pa.int64())})
    whole = tmp_path / "whole.parquet"
    write_table(whole, table)
    streamed = tmp_path / "streamed.parquet"
    writer = PartitionWriter(streamed, table.schema)
    start = 0
    for size in pieces:
        writer.write(table.slice(start, size))
        start += size
    writer.close()
    assert writer.rows == rows
    assert pq.ParquetFile(streamed).metadata.num_row_groups == 3
    assert streamed.read_bytes() == whole.read_bytes()
