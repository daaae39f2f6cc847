"""Empty a writable place (``/tmp``, ``/dev/shm``, ``/dev/mqueue``) whatever a program
left in it.

No recursion and no long paths: each directory is emptied one level at a time and its
subdirectories are moved up into the top directory, so a nest deeper than Python's
recursion limit or PATH_MAX, or a directory its owner cannot enter, still goes.  What
cannot go stays; the caller lists what is left and reports the container unclean.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def wipe(place: str) -> None:
    """Remove everything under ``place`` (``place`` itself stays)."""
    try:
        top = os.open(place, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    hoisted = [0]
    try:
        while True:
            try:
                with os.scandir(top) as it:
                    entries = [(e.name, e.is_dir(follow_symlinks=False)) for e in it]
            except OSError:
                return
            progress = False
            for name, is_dir in entries:
                if is_dir:
                    progress |= _empty_into(top, name, hoisted)
                    progress |= _attempt(os.rmdir, name, dir_fd=top)
                else:
                    progress |= _attempt(os.unlink, name, dir_fd=top)
            if not progress:  # empty, or nothing more can go: cleanup reports what is left
                return
    finally:
        os.close(top)


def _attempt(function: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
    try:
        function(*args, **kwargs)
        return True
    except OSError:
        return False


def _empty_into(top: int, name: str, hoisted: list[int]) -> bool:
    """Unlink the files of directory ``name`` (in ``top``) and move its subdirectories up
    into ``top``; True if anything went."""
    _attempt(os.chmod, name, 0o700, dir_fd=top)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=top)
    except OSError:
        return False
    progress = False
    try:
        with os.scandir(fd) as it:
            entries = [(e.name, e.is_dir(follow_symlinks=False)) for e in it]
        for sub, is_dir in entries:
            if not is_dir:
                progress |= _attempt(os.unlink, sub, dir_fd=fd)
                continue
            _attempt(os.chmod, sub, 0o700, dir_fd=fd)  # moving a directory rewrites its ".."
            for _ in range(8):  # a name the program left in ``top`` may be taken
                hoisted[0] += 1
                if _attempt(os.rename, sub, f".wipe-{hoisted[0]}", src_dir_fd=fd, dst_dir_fd=top):
                    progress = True
                    break
    except OSError:
        pass
    finally:
        os.close(fd)
    return progress
