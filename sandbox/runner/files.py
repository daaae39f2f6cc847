"""A job's inputs on their way to a test: the source file, stdin, the assert marker.

Any string the host sends becomes bytes without failing the job: escaped bytes
(U+DC80-U+DCFF) as the bytes they stand for, any other lone surrogate as its invalid
UTF-8 form, so the program fails to compile or reads odd input, as it would elsewhere.
"""

from __future__ import annotations

import os


def encode(text: str) -> bytes:
    """UTF-8 bytes of any string (see the module docstring for lone surrogates)."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def write_file(path: str, text: str) -> None:
    with open(path, "wb") as f:
        f.write(encode(text))


def stdin_file(text: str, workdir: str) -> int:
    """A descriptor holding ``text`` from its start: a memfd, so the input is in no file
    the program could list (an unlinked file in ``workdir`` if memfd is missing)."""
    data = encode(text)
    try:
        fd = os.memfd_create("stdin", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        path = os.path.join(workdir, ".stdin")
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        os.unlink(path)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def marker_pipe(marker: str | None) -> int:
    """The read end of a pipe holding the marker, so no Python object of the runner
    keeps it."""
    if not marker:
        raise ValueError("assert mode needs a marker")
    read_fd, write_fd = os.pipe2(os.O_CLOEXEC)
    os.write(write_fd, marker.encode())
    os.close(write_fd)
    return read_fd


def place_files(workdir: str, files: dict[str, str] | None, read_only: bool = True) -> None:
    """Write ``files`` ({relative path: text}) under ``workdir``, each read-only by mode
    (``0444``), replacing what a previous test may have changed.  A path that is absolute
    or leaves ``workdir`` is refused (``ValueError``): the host checks them first."""
    for rel, text in (files or {}).items():
        parts = rel.replace("\\", "/").split("/")
        if rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"file path {rel!r} is not a plain relative path")
        directory = workdir
        for part in parts[:-1]:
            directory = os.path.join(directory, part)
            if os.path.islink(directory) or (
                os.path.lexists(directory) and not os.path.isdir(directory)
            ):
                os.unlink(directory)
            os.makedirs(directory, mode=0o755, exist_ok=True)
        path = os.path.join(directory, parts[-1])
        if os.path.lexists(path):
            if os.path.isdir(path) and not os.path.islink(path):
                raise ValueError(f"file path {rel!r} is a directory")
            os.unlink(path)
        write_file(path, text)
        if read_only:
            os.chmod(path, 0o444)


def memfd_with(data: bytes, name: str = "request") -> int:
    """A descriptor holding ``data`` from its start (the request of a function call)."""
    fd = os.memfd_create(name, os.MFD_CLOEXEC)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def fetch_files(
    workdir: str, paths: list[str], max_bytes: int
) -> tuple[dict[str, str], dict[str, str]]:
    """The files ``paths`` (relative to ``workdir``) as base64, after the last run (every
    process of the job is dead by then, so nothing changes under the read).  A path must
    stay in ``workdir`` once its links are resolved and name a regular file; the files
    together hold at most ``max_bytes``.  The second dictionary says why a path is
    missing from the first."""
    import base64
    import stat

    found: dict[str, str] = {}
    missing: dict[str, str] = {}
    budget = max_bytes
    root = os.path.realpath(workdir)
    for rel in paths:
        parts = rel.replace("\\", "/").split("/")
        if rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
            missing[rel] = "not a plain relative path"
            continue
        real = os.path.realpath(os.path.join(root, *parts))
        if os.path.commonpath([root, real]) != root:
            missing[rel] = "leaves the work directory"
            continue
        try:
            fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as exc:
            missing[rel] = os.strerror(exc.errno or 0) if exc.errno else str(exc)
            continue
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                missing[rel] = "not a regular file"
                continue
            if info.st_size > budget:
                missing[rel] = f"over the {max_bytes} bytes fetched files may hold"
                continue
            data = bytearray()
            while len(data) < info.st_size:
                chunk = os.read(fd, min(1 << 20, info.st_size - len(data)))
                if not chunk:
                    break
                data += chunk
            budget -= len(data)
            found[rel] = base64.b64encode(bytes(data)).decode("ascii")
        finally:
            os.close(fd)
    return found, missing
