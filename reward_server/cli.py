"""The ``reward-server`` command: serve | score | report | filter | sandbox | verifiers | ray."""

from __future__ import annotations

import asyncio
import json
import logging
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .eval.cli import filter_command, report_command

if TYPE_CHECKING:
    from .config import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
sandbox_app = typer.Typer(no_args_is_help=True, help="Build and inspect the code sandbox.")
app.add_typer(sandbox_app, name="sandbox")


class BatchEngine(str, Enum):
    """Where ``score`` runs."""

    local = "local"
    ray = "ray"


def _settings(**overrides: Any) -> Settings:
    """Settings from the environment, with the options given on the command line on top."""
    from .config import Settings

    values: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**values)


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Bind address (REWARD_HOST, default 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (REWARD_PORT, default 8000)."),
    workers: int | None = typer.Option(None, help="Verifier processes (REWARD_WORKERS)."),
    log_level: str | None = typer.Option(None, help="REWARD_LOG_LEVEL (default info)."),
    log_format: str | None = typer.Option(None, help="text or json (REWARD_LOG_FORMAT)."),
) -> None:
    """Run the HTTP service with uvicorn; SIGTERM drains it, then it exits 0."""
    from .app import create_app
    from .logs import configure_logging
    from .server import serve as run_server

    settings = _settings(
        host=host, port=port, workers=workers, log_level=log_level, log_format=log_format
    )
    configure_logging(settings.log_format, settings.log_level)
    run_server(create_app(settings), settings)


@app.command()
def score(
    input: Path = typer.Argument(
        ..., help="JSONL or Parquet file (or a folder of shards), one /v1/score item per record."
    ),
    output: Path = typer.Option(..., "-o", "--output", help="JSONL or Parquet file to write."),
    resume: bool = typer.Option(False, help="Continue an interrupted run of the same files."),
    overwrite: bool = typer.Option(False, help="Replace an existing output file."),
    preset: str | None = typer.Option(None, help="Weight preset for items that name none."),
    chunk_size: int = typer.Option(64, min=1, help="Items scored (and written) together."),
    workers: int | None = typer.Option(None, help="Verifier processes (REWARD_WORKERS)."),
    progress: bool = typer.Option(True, help="Show a progress bar on stderr."),
    column_map: list[str] | None = typer.Option(
        None, "--map", help="FIELD=COLUMN: read an item field from another column (repeat)."
    ),
    engine: BatchEngine = typer.Option(
        BatchEngine.local,
        help="local: this process; ray: Ray Data on a Ray cluster (the ray extra).",
    ),
    address: str | None = typer.Option(
        None, help="--engine ray: the cluster to join (auto, HOST:PORT); default: a local one."
    ),
    actors: int | None = typer.Option(
        None, min=1, help="--engine ray: scorer actors, each with --workers verifier processes."
    ),
    shard_rows: int = typer.Option(
        1_000, min=1, help="--engine ray: JSONL lines one read task reads."
    ),
) -> None:
    """Score a file offline; each output record is its input record plus the result."""
    from .batch import BatchError, score_file
    from .presets import UnknownPreset, check_preset
    from .ray.cluster import RayMissing, require_ray
    from .records import ColumnMap, RecordsError

    try:
        columns = ColumnMap.parse(column_map)
        check_preset(preset)
        settings = _settings(workers=workers)
        common: dict[str, Any] = {
            "resume": resume, "overwrite": overwrite, "chunk_size": chunk_size,
            "preset": preset, "progress": progress, "columns": columns,
        }  # fmt: skip
        if engine is BatchEngine.ray:
            require_ray()
            from .ray.data import score_dataset

            stats = score_dataset(
                input, output, settings, address=address, actors=actors,
                shard_rows=shard_rows, **common,
            )  # fmt: skip
        else:
            stats = asyncio.run(score_file(input, output, settings, **common))
    except (BatchError, UnknownPreset, RecordsError, RayMissing) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(
        f"{stats.scored} scored ({stats.ok} ok, {stats.failed} not ok), {stats.skipped} already done, "
        f"{stats.total} lines in all",
        err=True,
    )


@app.command()
def verifiers() -> None:
    """List the verifiers, presets and languages this installation supports."""
    from .presets import PRESETS
    from .verifiers.language import supported_languages

    typer.echo(json.dumps({"presets": PRESETS, "languages": supported_languages()}, indent=2))


app.command("report")(report_command)
app.command("filter")(filter_command)


@sandbox_app.command("build")
def sandbox_build(
    method: str = typer.Option("auto", help="auto | debootstrap | dockerfile"),
    force: bool = typer.Option(
        False, help="Rebuild even when an image with the same recipe exists."
    ),
    image: str | None = typer.Option(None, help="Image tag (REWARD_SANDBOX__IMAGE)."),
    language: list[str] | None = typer.Option(
        None,
        "--language",
        "-l",
        help="Languages the image carries (repeat); default python, cpp, c.",
    ),
) -> None:
    """Build the sandbox image, or reuse it when its recipe has not changed."""
    from sandbox.images.build import DEFAULT_LANGUAGES, ensure_image

    tag = image or _settings().sandbox.image
    languages = tuple(language) if language else DEFAULT_LANGUAGES
    try:
        built = ensure_image(
            tag=tag,
            method=method,
            force=force,
            languages=languages,
            log=lambda m: typer.echo(m, err=True),
        )
    except Exception as exc:  # noqa: BLE001 - one line that says what to do, not a traceback
        typer.echo(f"error: cannot build the sandbox image {tag}: {build_failure(exc)}", err=True)
        raise typer.Exit(1) from None
    typer.echo(built)


def build_failure(exc: BaseException) -> str:
    """What went wrong in a sandbox image build, and how to provide what is missing."""
    from docker.errors import BuildError, DockerException

    from sandbox.images.build import BASE_IMAGE

    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    if isinstance(exc, BuildError):
        return (
            f"the Dockerfile build failed ({first}); with no registry, install debootstrap "
            f"(apt-get install debootstrap, as root) or load {BASE_IMAGE} with `docker load`"
        )
    if isinstance(exc, DockerException):
        return f"the Docker engine is unreachable ({first}); start it (scripts/docker-engine.sh)"
    if isinstance(exc, FileNotFoundError | PermissionError):
        return f"{first}; or load {BASE_IMAGE} with `docker load` and pass --method dockerfile"
    return f"{type(exc).__name__}: {first}"


ray_app = typer.Typer(
    no_args_is_help=True, help="Run the service on a Ray cluster (the `ray` extra)."
)
app.add_typer(ray_app, name="ray")


@ray_app.command("serve")
def ray_serve(
    address: str | None = typer.Option(
        None, help="Ray cluster to join (auto, HOST:PORT, ray://HOST:10001); default: a local one."
    ),
    replicas: int | None = typer.Option(
        None, min=1, help="Replicas (REWARD_RAY_REPLICAS, default 1)."
    ),
    autoscale: str | None = typer.Option(
        None, metavar="MIN:MAX", help="Let Serve scale between MIN and MAX replicas."
    ),
    host: str | None = typer.Option(None, help="Serve's bind address (REWARD_HOST)."),
    port: int | None = typer.Option(None, help="Serve's port (REWARD_PORT)."),
    workers: int | None = typer.Option(
        None, help="Verifier processes (and CPUs) per replica (REWARD_WORKERS)."
    ),
    num_cpus: float | None = typer.Option(
        None, help="CPUs of a local cluster (default: this machine's cores)."
    ),
) -> None:
    """Deploy the service on Ray Serve, print its URL, and serve until interrupted."""
    from pydantic import ValidationError

    from .ray.cluster import RayMissing, require_ray

    if replicas is not None and autoscale is not None:
        typer.echo("error: give --replicas or --autoscale, not both", err=True)
        raise typer.Exit(2)
    try:
        require_ray()
        options = _serve_options(replicas, autoscale)
        settings = _settings(host=host, port=port, workers=workers)
    except (RayMissing, ValueError, ValidationError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from .ray import cluster
    from .ray.serve import deploy, run_until_interrupted

    started = cluster.connect(
        address,
        num_cpus=num_cpus,
        docker_resource=options.docker_resource,
        docker_url=settings.sandbox.docker_url,
    )
    try:
        url = deploy(settings, options, host=settings.host, port=settings.port)
        typer.echo(url)
        code = run_until_interrupted(
            options.app_name, on_status=lambda s: typer.echo(f"application {s}", err=True)
        )
    finally:
        cluster.shutdown(started)
    raise typer.Exit(code)


def _serve_options(replicas: int | None, autoscale: str | None) -> Any:
    from .ray.options import ServeOptions, parse_autoscale

    values: dict[str, Any] = {}
    if replicas is not None:
        values["replicas"] = replicas
    if autoscale is not None:
        values["min_replicas"], values["max_replicas"] = parse_autoscale(autoscale)
    return ServeOptions(**values)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
