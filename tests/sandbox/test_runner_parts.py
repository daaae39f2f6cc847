"""The runner's parts that need no container: framing, inputs, the wipe, the cgroup probe."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile

import pytest

from sandbox.runner import files, framing, limits
from sandbox.runner.cgroup import Cgroup, MemoryCounters
from sandbox.runner.wipe import wipe

# ---- framing --------------------------------------------------------------------------------


def test_frames_round_trip_through_a_pipe():
    r, w = os.pipe()
    try:
        message = {"op": "job", "source": "print('é')", "tests": ["1 2\n"]}
        framing.send(w, message)
        framing.send(w, {"op": "ping"})
        os.close(w)
        assert framing.recv(r) == message
        assert framing.recv(r) == {"op": "ping"}
        assert framing.recv(r) is None  # the host closed its end
    finally:
        os.close(r)


def test_the_host_encoder_and_the_runner_agree():
    from sandbox.protocol import encode

    r, w = os.pipe()
    try:
        os.write(w, encode({"op": "job", "source": "x = '\\udcff'"}))
        os.close(w)
        assert framing.recv(r) == {"op": "job", "source": "x = '\\udcff'"}
    finally:
        os.close(r)


def test_an_oversized_frame_is_refused_before_it_is_read():
    r, w = os.pipe()
    try:
        os.write(w, framing.HEADER.pack(framing.MAX_MESSAGE + 1))
        with pytest.raises(ValueError, match="too large"):
            framing.recv(r)
    finally:
        os.close(r)
        os.close(w)


def test_a_frame_cut_short_is_end_of_stream():
    r, w = os.pipe()
    os.write(w, framing.HEADER.pack(100) + b'{"op"')
    os.close(w)
    try:
        assert framing.recv(r) is None
    finally:
        os.close(r)


# ---- inputs ---------------------------------------------------------------------------------------


def test_any_string_becomes_bytes():
    assert files.encode("é") == "é".encode()
    assert files.encode("\udcff") == b"\xff"  # an escaped byte is that byte
    assert files.encode("\ud800") == b"\xed\xa0\x80"  # a lone surrogate: its invalid form


def test_stdin_is_a_descriptor_read_from_its_start(tmp_path):
    fd = files.stdin_file("1 2\n" * 10_000, str(tmp_path))
    try:
        with os.fdopen(os.dup(fd), "rb") as f:
            assert f.read() == b"1 2\n" * 10_000
    finally:
        os.close(fd)
    assert list(tmp_path.iterdir()) == []  # no file the program could list


def test_the_marker_waits_in_a_pipe():
    fd = files.marker_pipe("m" * 32)
    try:
        assert os.read(fd, 256) == b"m" * 32
        assert os.read(fd, 256) == b""  # the write end is closed: nothing more can come
    finally:
        os.close(fd)
    with pytest.raises(ValueError):
        files.marker_pipe(None)


def test_fetched_files_stay_in_the_work_directory_and_the_budget(tmp_path):
    import base64

    work = tmp_path / "job"
    (work / "sub").mkdir(parents=True)
    (work / "out.txt").write_bytes(b"result\xff")
    (work / "sub" / "deep.txt").write_text("deep")
    (work / "big.bin").write_bytes(b"x" * 100)
    (tmp_path / "secret").write_text("outside")
    (work / "link").symlink_to(tmp_path / "secret")
    (work / "inner").symlink_to(work / "out.txt")
    os.mkfifo(work / "fifo")
    asked = ["out.txt", "sub/deep.txt", "big.bin", "link", "inner", "fifo", "sub", "none",
             "../secret", "/etc/passwd"]  # fmt: skip
    found, missing = files.fetch_files(str(work), asked, 50)
    decoded = {k: base64.b64decode(v) for k, v in found.items()}
    assert decoded == {"out.txt": b"result\xff", "sub/deep.txt": b"deep", "inner": b"result\xff"}
    assert set(missing) == {"big.bin", "link", "fifo", "sub", "none", "../secret", "/etc/passwd"}
    assert "leaves" in missing["link"] and "over" in missing["big.bin"]
    assert files.fetch_files(str(work), ["big.bin"], 100)[0]  # within its own budget


def test_the_environment_is_ours_alone(monkeypatch):
    monkeypatch.setenv("SECRET", "x")
    env = limits.environment("/tmp/job", {"GOCACHE": "/tmp/.gocache"})
    assert "SECRET" not in env
    assert env["HOME"] == env["TMPDIR"] == "/tmp/job"
    assert env["GOCACHE"] == "/tmp/.gocache"


# ---- the wipe ----------------------------------------------------------------------------------------


def test_wipe_removes_a_nest_deeper_than_the_recursion_limit(tmp_path):
    place = tmp_path / "place"
    place.mkdir()
    fd = os.open(place, os.O_RDONLY)
    try:
        for _ in range(sys.getrecursionlimit() + 500):  # PATH_MAX is long passed as well
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        os.close(os.open("leaf", os.O_CREAT | os.O_WRONLY, dir_fd=fd))
    finally:
        os.close(fd)
    wipe(str(place))
    assert list(place.iterdir()) == []


LOCKED_TREE = """
import os, sys
sys.path.insert(0, sys.argv[2])
from sandbox.runner.wipe import wipe
place = sys.argv[1]
os.makedirs(os.path.join(place, "locked", "a", "b"))
open(os.path.join(place, "locked", "a", "file"), "w").close()
os.chmod(os.path.join(place, "locked", "a"), 0)  # its owner can no longer enter it
try:
    os.listdir(os.path.join(place, "locked", "a"))
    print("enterable")
except PermissionError:
    pass
wipe(place)
print(sorted(os.listdir(place)))
"""


def test_wipe_removes_a_directory_its_owner_cannot_enter():
    # As the sandbox does it: as the directory's owner, never root (whom mode 0 does not stop).
    uid = os.geteuid() or 65534
    # The runner needs the standard library only: any python3 the user can run will do.
    python = sys.executable if os.geteuid() else shutil.which("python3", path="/usr/bin:/bin")
    assert python, "no python3 in /usr/bin or /bin"
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    place = tempfile.mkdtemp()
    try:
        os.chown(place, uid, uid) if os.geteuid() == 0 else None
        done = subprocess.run(
            [python, "-I", "-c", LOCKED_TREE, place, root],
            user=uid,
            env={"PATH": os.defpath},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr
    finally:
        subprocess.run(["rm", "-rf", place], check=False)


def test_wipe_does_not_follow_links_out_of_its_place(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").write_text("x")
    place = tmp_path / "place"
    (place / "sub").mkdir(parents=True)
    (place / "link").symlink_to(outside)
    (place / "sub" / "link").symlink_to(outside)
    (place / "file").write_text("x")
    wipe(str(place))
    assert list(place.iterdir()) == []
    assert (outside / "keep").read_text() == "x"


def test_wiping_a_missing_place_is_harmless(tmp_path):
    wipe(str(tmp_path / "missing"))


# ---- the cgroup probe -------------------------------------------------------------------------------


def test_cpu_seconds_are_the_groups_less_the_runners_own(tmp_path):
    stat = tmp_path / "cpu.stat"
    stat.write_text("usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n")
    own = resource.getrusage(resource.RUSAGE_SELF)
    cpu = Cgroup(None, str(stat), None).cpu_seconds()
    assert 2.5 - (own.ru_utime + own.ru_stime) - 0.5 < cpu <= 2.5 - (own.ru_utime + own.ru_stime)
    v1 = tmp_path / "cpuacct.usage"
    v1.write_text("3000000000\n")
    assert Cgroup(None, str(v1), None).cpu_seconds() < 3.0
    assert Cgroup(None, None, None).cpu_seconds() == 0.0


def test_oom_kills_are_read_from_the_counter(tmp_path):
    events = tmp_path / "memory.events"
    events.write_text("low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\n")
    assert Cgroup(str(events), None, None).oom_kills() == 2
    assert Cgroup(str(tmp_path / "gone"), None, None).oom_kills() == 0


@pytest.mark.parametrize(
    ("used_mb", "cache_mb", "shmem_mb", "full"),
    [
        (500, 0, 0, False),  # far from the limit
        (900, 0, 0, True),  # past 80 % of 1000
        (900, 200, 0, False),  # but much of it is page cache the kernel can reclaim
        (900, 200, 200, True),  # ... unless that cache is shared memory, which it cannot
    ],
)
def test_memory_is_nearly_full_when_unreclaimable_memory_passes_the_guard(
    tmp_path, used_mb, cache_mb, shmem_mb, full
):
    mb = 2**20
    (tmp_path / "memory.current").write_text(f"{used_mb * mb}\n")
    (tmp_path / "memory.stat").write_text(f"anon 1\nfile {cache_mb * mb}\nshmem {shmem_mb * mb}\n")
    counters = MemoryCounters(
        str(tmp_path / "memory.current"), str(tmp_path / "memory.stat"), "file", 1000 * mb
    )
    assert Cgroup(None, None, counters).memory_nearly_full() is full


def test_find_on_this_host_never_raises():
    probe = Cgroup.find()
    assert probe.oom_kills() >= 0
    probe.memory_nearly_full()
