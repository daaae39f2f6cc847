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
