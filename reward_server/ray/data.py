"""``reward-server score --engine ray``: the local engine's work, spread over a Ray cluster.

Ray Data reads the input as shards (:mod:`.data_plan`), a pool of actors scores it (each
actor holds one :class:`~reward_server.engine.Engine`: verifier workers and, for code, a
sandbox) with the very function the local engine scores a chunk with, and the driver
writes the results in input order through the same writer.  So the output is the local
engine's, byte for byte, bad lines included; and since it is written in order, a chunk
at a time and fsynced, a killed run resumes the same way (``--resume`` continues after the
last whole line; shards before it are not read again).

Records travel between the tasks as pickles in a binary column: a record's fields vary
from line to line (and a bad line is no record at all), which a columnar schema would
have to coerce.
"""

from __future__ import annotations

import functools
import logging
import pickle
from pathlib import Path
from typing import Any

import pyarrow as pa
import ray
from ray.data import ActorPoolStrategy, DataContext, Dataset
from ray.data.block import BlockMetadata
from ray.data.datasource import Datasource, ReadTask
from tqdm import tqdm

from ..batch import BatchError, BatchStats, plan_run, progress_bar, score_records
from ..config import Settings
from ..engine import Engine
from ..records import ColumnMap, InvalidRecord, RecordsError, open_writer
from . import cluster
from .data_plan import DEFAULT_SHARD_ROWS, Shard, plan_actors, plan_shards, read_shard
from .options import RayOptions

log = logging.getLogger(__name__)

#: Records per block a read task hands on.
READ_BLOCK_ROWS = 1024


def _table(index: list[int], records: list[Any]) -> pa.Table:
    return pa.table(
        {
            "index": pa.array(index, pa.int64()),
            "record": pa.array([pickle.dumps(r, protocol=5) for r in records], pa.binary()),
        }
    )


def _read(shard: Shard) -> Any:
    index: list[int] = []
    rows: list[dict[str, Any] | InvalidRecord] = []
    position = shard.first + shard.skip
    for record in read_shard(shard):
        index.append(position)
        rows.append(record)
        position += 1
        if len(rows) == READ_BLOCK_ROWS:
            yield _table(index, rows)
            index, rows = [], []
    if rows:
        yield _table(index, rows)


class ShardSource(Datasource):
    """One read task per shard, in input order."""

    def __init__(self, shards: list[Shard]) -> None:
        self._shards = shards

    def estimate_inmemory_data_size(self) -> int | None:
        return None

    def get_read_tasks(
        self, parallelism: int, per_task_row_limit: int | None = None, data_context: Any = None
    ) -> list[ReadTask]:
        return [
            ReadTask(
                functools.partial(_read, shard),
                BlockMetadata(
                    num_rows=shard.rows,
                    size_bytes=None,
                    input_files=(shard.path,),
                    exec_stats=None,
                ),
            )
            for shard in self._shards
        ]


class ScoreActor:
    """One scorer runtime; scores a batch of records as the local engine scores a chunk."""

    def __init__(self, settings: Settings, preset: str | None, columns: ColumnMap | None):
        self._engine = Engine(settings).start()
        self._preset = preset
        self._columns = columns

    def __call__(self, batch: pa.Table) -> pa.Table:
        chunk = [pickle.loads(b) for b in batch.column("record").to_pylist()]
        stats = BatchStats()  # counted again by the driver, from the output
        out = self._engine.run(
            lambda runtime: score_records(runtime.scorer, chunk, self._columns, self._preset, stats)
        )
        return _table(batch.column("index").to_pylist(), out)

    def __del__(self) -> None:
        engine = getattr(self, "_engine", None)
        if engine is not None:
            engine.close()


def _nodes(options: RayOptions | None) -> tuple[list[float], dict[str, float]]:
    """CPUs of the alive nodes an actor may use, and the extra resources it must ask for.

    ``options`` when the actors run code: then, if some nodes advertise the Docker
    resource, the actors go there."""
    alive = [n for n in ray.nodes() if n.get("Alive")]
    docker_resource = options.docker_resource if options is not None else None
    if options is not None and docker_resource:
        docked = [n for n in alive if n["Resources"].get(docker_resource, 0) > 0]
        if docked:
            cpus = [float(n["Resources"].get("CPU", 0)) for n in docked]
            return cpus, {docker_resource: options.docker_per_replica}
        log.warning(
            "no node advertises %r: code items will be scored where a Docker engine "
            "answers, or fail as sandbox_unavailable",
            docker_resource,
        )
    return [float(n["Resources"].get("CPU", 0)) for n in alive], {}


def build_dataset(
    shards: list[Shard],
    settings: Settings,
    *,
    preset: str | None,
    columns: ColumnMap | None,
    chunk_size: int,
    actors: int | None = None,
    reserve_cpus: float = 1.0,
    read_cpus: float = 0.25,
    options: RayOptions | None = None,
) -> Dataset:
    """The dataset of scored records (``index``, pickled ``record``), in input order."""
    context = DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False  # the command shows its own bar, on stderr
    context.print_on_execution_start = False
    options = options or RayOptions()
    node_cpus, resources = _nodes(options if settings.sandbox.enabled else None)
    plan = plan_actors(
        node_cpus,
        settings.workers,
        reserve_cpus=reserve_cpus,
        actors=actors,
        available_cpus=float(ray.available_resources().get("CPU", 0.0)),
    )
    log.info(
        "%d shard(s); %d actor(s) of %g CPU, %d verifier worker(s) each",
        len(shards),
        plan.actors,
        plan.cpus_per_actor,
        plan.workers_per_actor,
    )
    ds = ray.data.read_datasource(
        ShardSource(shards), override_num_blocks=len(shards), num_cpus=read_cpus
    )
    return ds.map_batches(
        ScoreActor,
        fn_constructor_args=(settings, preset, columns),
        batch_size=chunk_size,
        batch_format="pyarrow",
        compute=ActorPoolStrategy(
            size=plan.actors, max_concurrent_calls_per_actor=2, enable_true_multi_threading=True
        ),
        num_cpus=plan.cpus_per_actor,
        resources=resources or None,
    )


def score_dataset(
    input_path: Path,
    output_path: Path,
    settings: Settings,
    *,
    address: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    chunk_size: int = 64,
    preset: str | None = None,
    progress: bool = True,
    columns: ColumnMap | None = None,
    actors: int | None = None,
    shard_rows: int = DEFAULT_SHARD_ROWS,
) -> BatchStats:
    """Score ``input_path`` into ``output_path`` on a Ray cluster (see the module docstring)."""
    # The same checks and count (and so the same summary) as the local engine's.
    stats, kinds = plan_run(input_path, output_path, resume, overwrite)
    try:
        shards = plan_shards(input_path, shard_rows=shard_rows, skip=stats.skipped)
    except RecordsError as exc:
        raise BatchError(str(exc)) from exc
    bar = progress_bar(stats, progress)
    options = RayOptions()
    started = False
    if shards:  # nothing left to score (an empty input, a finished run resumed): no cluster
        started = cluster.connect(
            address,
            docker_resource=options.docker_resource if settings.sandbox.enabled else None,
            docker_url=settings.sandbox.docker_url,
            log_to_driver=False,
        )
    try:
        with open_writer(output_path, append=resume, sync=True, kinds=kinds) as dst:
            if shards:
                ds = build_dataset(
                    shards,
                    settings,
                    preset=preset,
                    columns=columns,
                    chunk_size=chunk_size,
                    actors=actors,
                    options=options,
                )
                _write_in_order(ds, dst, stats, bar, end=shards[-1].first + shards[-1].count)
    except RecordsError as exc:
        raise BatchError(str(exc)) from exc
    finally:
        bar.close()
        cluster.shutdown(started)
    return stats


def _write_in_order(ds: Dataset, dst: Any, stats: BatchStats, bar: tqdm, end: int) -> None:
    expected = stats.skipped
    for block in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
        batch: pa.Table = block  # asked for pyarrow
        index = batch.column("index").to_pylist()
        if index != list(range(expected, expected + len(index))):
            raise BatchError(f"records came back out of order at {expected} (a bug: please report)")
        records = [pickle.loads(b) for b in batch.column("record").to_pylist()]
        dst.write(records)
        for record in records:
            ok = record.get("status") == "ok"
            stats.ok += ok
            stats.failed += not ok
        expected += len(index)
        stats.scored += len(index)
        bar.update(len(index))
    if expected != stats.total:
        raise BatchError(
            f"{expected} records written, {stats.total} expected (a bug: please report)"
        )
