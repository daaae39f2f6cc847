"""Building the sandbox image, with or without a registry.

Two recipes make the same image: ``Dockerfile`` (``FROM debian:bookworm-slim``) for
machines that can pull, and ``debootstrap`` + ``docker import`` for air-gapped machines
that can only reach a Debian mirror.  Either way the image carries a label with the hash of
the recipe (suite, packages, recipe version), and :func:`ensure_image` reuses an image
whose label matches instead of rebuilding it.

The runner is not baked in: the pool passes it at container start, so changing the runner
never forces a rebuild.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import docker
from docker.errors import ImageNotFound

#: Bump when the recipe changes in a way the package list does not show.
RECIPE_VERSION = 2  # 2: no setuid/setgid files, no su or nsenter
SUITE = "bookworm"
DEFAULT_TAG = "reward-server-sandbox:latest"
LABEL_RECIPE = "reward-server.sandbox.recipe"
LABEL_LANGUAGES = "reward-server.sandbox.languages"
LABEL_METHOD = "reward-server.sandbox.method"
BASE_IMAGE = "debian:bookworm-slim"
DEFAULT_MIRROR = "http://deb.debian.org/debian"

#: Debian packages each language needs at run time (compilers included).
LANGUAGE_PACKAGES: dict[str, tuple[str, ...]] = {
    "python": ("python3", "python3-pytest"),  # pytest: test files (code.test_file)
    "cpp": ("g++",),
    "c": ("gcc", "libc6-dev"),
    "java": ("default-jdk-headless",),
    "javascript": ("nodejs",),
    "go": ("golang-go",),
}
DEFAULT_LANGUAGES: tuple[str, ...] = ("python", "cpp", "c")

# Documentation, caches and package indexes: megabytes nobody inside the sandbox reads.
_PRUNE = (
    "usr/share/doc",
    "usr/share/man",
    "usr/share/info",
    "usr/share/lintian",
    "var/cache/apt",
    "var/lib/apt/lists",
    "var/log",
    "debootstrap",
)
#: Programs a sandboxed program has no use for and that only ever help an escape (the
#: container already runs with no-new-privileges and no capabilities: this is depth).
_REMOVE = ("usr/bin/su", "usr/bin/nsenter")
_IMAGE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
}

Log = Callable[[str], None]


def _languages(languages: Iterable[str]) -> tuple[str, ...]:
    chosen = sorted(set(languages) | {"python"})  # the runner itself needs python3
    unknown = [lang for lang in chosen if lang not in LANGUAGE_PACKAGES]
    if unknown:
        raise ValueError(f"unknown languages {unknown}; known: {sorted(LANGUAGE_PACKAGES)}")
    return tuple(chosen)


def packages_for(languages: Iterable[str]) -> list[str]:
    """The Debian packages the image needs for ``languages``."""
    return sorted({pkg for lang in _languages(languages) for pkg in LANGUAGE_PACKAGES[lang]})


def recipe_hash(languages: Iterable[str] = DEFAULT_LANGUAGES) -> str:
    """A short hash of everything that decides the image's contents."""
    recipe = {
        "version": RECIPE_VERSION,
        "suite": SUITE,
        "packages": packages_for(languages),
        "env": _IMAGE_ENV,
        "prune": _PRUNE,
        "remove": _REMOVE,
        "setuid": "none",
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]


def image_recipe(client: docker.DockerClient, tag: str) -> str | None:
    """The recipe hash recorded on image ``tag``; None when there is no such image."""
    try:
        image = client.images.get(tag)
    except ImageNotFound:
        return None
    return (image.labels or {}).get(LABEL_RECIPE)


def image_languages(client: docker.DockerClient, tag: str) -> tuple[str, ...]:
    """The languages image ``tag`` was built with (empty when unknown)."""
    try:
        image = client.images.get(tag)
    except ImageNotFound:
        return ()
    value = (image.labels or {}).get(LABEL_LANGUAGES, "")
    return tuple(v for v in value.split(",") if v)


def ensure_image(
    tag: str = DEFAULT_TAG,
    method: str = "auto",
    force: bool = False,
    languages: Iterable[str] = DEFAULT_LANGUAGES,
    *,
    client: docker.DockerClient | None = None,
    mirror: str | None = None,
    log: Log | None = None,
) -> str:
    """Build the sandbox image ``tag`` unless a current one with these languages (or more)
    exists; return its id.

    ``method``: ``"debootstrap"`` (air-gapped, needs root and ``debootstrap``),
    ``"dockerfile"`` (needs ``debian:bookworm-slim`` locally or a registry), or ``"auto"``:
    the Dockerfile when the base image is already present, else debootstrap when it can
    run here, else the Dockerfile (which will try to pull).
    """
    langs = _languages(languages)
    log = log or (lambda _msg: None)
    client = client or docker.from_env()
    want = recipe_hash(langs)
    have = image_languages(client, tag)
    # Reuse an image of the current recipe that carries at least the languages asked for,
    # so a build with more languages is not undone by a caller that needs fewer.
    if (
        not force
        and have
        and image_recipe(client, tag) == recipe_hash(have)
        and set(langs) <= set(have)
    ):
        log(f"image {tag} is up to date (recipe {recipe_hash(have)}, languages {', '.join(have)})")
        return client.images.get(tag).id
    chosen = _choose_method(client, method)
    labels = {LABEL_RECIPE: want, LABEL_LANGUAGES: ",".join(langs), LABEL_METHOD: chosen}
    log(f"building {tag} with {chosen} (recipe {want}, languages {', '.join(langs)})")
    if chosen == "debootstrap":
        return _build_debootstrap(client, tag, langs, labels, mirror or apt_mirror(), log)
    return _build_dockerfile(client, tag, langs, labels, log)


def _choose_method(client: docker.DockerClient, method: str) -> str:
    if method in ("debootstrap", "dockerfile"):
        return method
    if method != "auto":
        raise ValueError(f"method must be auto, debootstrap or dockerfile, not {method!r}")
    try:
        client.images.get(BASE_IMAGE)
        return "dockerfile"
    except ImageNotFound:
        pass
    if shutil.which("debootstrap") and os.geteuid() == 0:
        return "debootstrap"
    return "dockerfile"


def apt_mirror(sources_dir: str = "/etc/apt") -> str:
    """The Debian mirror this machine's apt uses (deb822 or one-line format)."""
    candidates: list[Path] = []
    root = Path(sources_dir)
    if (root / "sources.list").is_file():
        candidates.append(root / "sources.list")
    candidates += sorted((root / "sources.list.d").glob("*.sources"))
    candidates += sorted((root / "sources.list.d").glob("*.list"))
    for path in candidates:
        try:
            text = path.read_text()
        except OSError:
            continue
        for match in re.finditer(r"^URIs:\s*(\S+)", text, re.MULTILINE):
            if _is_debian_main(match.group(1), text):
                return match.group(1).rstrip("/")
        for match in re.finditer(r"^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)", text, re.MULTILINE):
            uri, suite = match.groups()
            if suite.startswith(SUITE) and "security" not in uri:
                return uri.rstrip("/")
    return DEFAULT_MIRROR


def _is_debian_main(uri: str, text: str) -> bool:
    return (
        "security" not in uri
        and re.search(rf"^Suites:.*\b{SUITE}\b", text, re.MULTILINE) is not None
    )


def _build_debootstrap(
    client: docker.DockerClient,
    tag: str,
    langs: tuple[str, ...],
    labels: dict[str, str],
    mirror: str,
    log: Log,
) -> str:
    if os.geteuid() != 0:
        raise PermissionError("the debootstrap build needs root")
    if not shutil.which("debootstrap"):
        raise FileNotFoundError("debootstrap is not installed (apt-get install debootstrap)")
    work = Path(tempfile.mkdtemp(prefix="reward-sandbox-build-", dir="/var/tmp"))
    try:
        rootfs = work / "rootfs"
        cmd = [
            "debootstrap",
            "--variant=minbase",
            "--components=main",
            "--include=" + ",".join(packages_for(langs)),
            SUITE,
            str(rootfs),
            mirror,
        ]
        log("$ " + " ".join(cmd))
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(
                f"debootstrap failed ({proc.returncode}):\n{proc.stdout[-4000:]}{proc.stderr[-4000:]}"
            )
        for rel in _PRUNE:
            target = rootfs / rel
            if target.is_dir():
                shutil.rmtree(target)
                target.mkdir(parents=True, exist_ok=True)
        harden(rootfs)
        archive = work / "rootfs.tar"
        with tarfile.open(archive, "w") as tar:
            tar.add(rootfs, arcname=".")
        log(f"importing {archive.stat().st_size / 2**20:.0f} MiB as {tag}")
        repo, _, version = tag.rpartition(":") if ":" in tag.split("/")[-1] else (tag, "", "latest")
        changes = [f"ENV {k}={v}" for k, v in _IMAGE_ENV.items()]
        changes += [f"LABEL {k}={json.dumps(v)}" for k, v in labels.items()]
        changes += ['CMD ["python3"]', "WORKDIR /tmp"]
        client.api.import_image(src=str(archive), repository=repo, tag=version, changes=changes)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    image = client.images.get(tag)
    if (image.labels or {}).get(LABEL_RECIPE) != labels[LABEL_RECIPE]:
        raise RuntimeError(f"imported image {tag} lacks the recipe label")
    return image.id


def harden(rootfs: Path) -> None:
    """Drop the setuid and setgid bits of every file and remove :data:`_REMOVE`, as the
    Dockerfile does with ``find -perm /6000`` and ``rm``."""
    for rel in _REMOVE:
        (rootfs / rel).unlink(missing_ok=True)
    for dirpath, _dirs, files in os.walk(rootfs):
        for name in files:
            path = os.path.join(dirpath, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISREG(mode) and mode & (stat.S_ISUID | stat.S_ISGID):
                os.chmod(path, stat.S_IMODE(mode) & ~(stat.S_ISUID | stat.S_ISGID))


def _build_dockerfile(
    client: docker.DockerClient, tag: str, langs: tuple[str, ...], labels: dict[str, str], log: Log
) -> str:
    context = Path(__file__).parent
    log(f"docker build {context} (PACKAGES={' '.join(packages_for(langs))})")
    image, stream = client.images.build(
        path=str(context),
        dockerfile="Dockerfile",
        tag=tag,
        buildargs={"PACKAGES": " ".join(packages_for(langs))},
        labels=labels,
        rm=True,
        forcerm=True,
    )
    for chunk in stream:
        line = _stream_text(chunk)
        if line:
            log(line)
    return image.id


def _stream_text(chunk: Any) -> str:
    if isinstance(chunk, dict):
        return str(chunk.get("stream") or chunk.get("status") or "").rstrip()
    return ""
