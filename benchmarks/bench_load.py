"""Load: N concurrent trainer clients against one server, a realistic mix of groups.

A real server runs as a subprocess on loopback (``--workers`` verifier processes, sandbox
off unless ``--code``).  Each client sends one group of 16 at a time (math groups with
short CoTs, format + language groups with CoTs of 120-480 sentences, code groups with
``--code``), waits for the answer, and sends the next; a refused group (429) waits what
``Retry-After`` says, as ``RewardClient`` does.  For each N the script prints:

- throughput: items scored per second (ok items only), and its ratio to one client's,
  measured in the same run (the baseline);
- p50 / p99 latency of the groups that were scored, and their ratio to one client's;
- the 429 rate (refused requests over all answers) and any other answer;
- RSS of the server and its workers before and after the level, and open descriptors.

    .venv/bin/python benchmarks/bench_load.py [--clients 8 32 128] [--seconds 20] [--workers 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.load import SteadyLoad, baseline, judge, percentile, templates  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402


def footprint(server: ServerProcess) -> tuple[float, int]:
    """RSS (MiB) of the server and all its processes, and the server's open descriptors."""
    import psutil

    main = psutil.Process(server.pid)
    procs = [main, *main.children(recursive=True)]
    rss = sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20
    return rss, main.num_fds()


def level(server: ServerProcess, groups, expected, clients: int, seconds: float) -> dict:
    rss0, fds0 = footprint(server)
    load = SteadyLoad(server.url, groups, clients, timeout_s=300).start()
    began = time.monotonic()
    time.sleep(seconds)
    records = load.stop()
    took = time.monotonic() - began
    time.sleep(6)  # idle keep-alive connections close
    rss1, fds1 = footprint(server)
    verdict = judge(records, expected)
    done = [r for r in records if r.code == 200]
    latency = [r.done_at - r.sent_at for r in done]
    codes = Counter(r.code if r.code is not None else r.failure for r in records)
    return {
        "clients": clients,
        "items_per_s": verdict.ok / took,
        "p50": percentile(latency, 0.5),
        "p99": percentile(latency, 0.99),
        "refused": codes.get(429, 0) / max(len(records), 1),
        "codes": dict(codes),
        "wrong": verdict.wrong,
        "failed": verdict.affected,
        "rss": (rss0, rss1),
        "fds": (fds0, fds1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32, 128])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--code", action="store_true", help="add code groups (needs Docker)")
    parser.add_argument("--max-pending", type=int, default=None, help="REWARD_MAX_PENDING_ITEMS")
    args = parser.parse_args()

    env = {"REWARD_SANDBOX__ENABLED": "true" if args.code else "false"}
    if args.max_pending:
        env["REWARD_MAX_PENDING_ITEMS"] = str(args.max_pending)
    with ServerProcess(workers=args.workers, extra_env=env) as server:
        groups = templates(code=args.code)
        expected = baseline(server.url, groups)
        print(f"server: {args.workers} workers, code={args.code}; {args.seconds:g} s per level")
        rows = [level(server, groups, expected, n, args.seconds) for n in [1, *args.clients]]
    base = rows[0]
    header = (
        f"{'clients':>7} {'items/s':>8} {'x1':>5} {'p50 s':>6} {'p99 s':>6} {'p50 x1':>6} "
        f"{'429 %':>6} {'RSS MiB before/after':>21} {'fds':>9}  answers"
    )
    print(header)
    for row in rows:
        print(
            f"{row['clients']:>7} {row['items_per_s']:>8.1f} "
            f"{row['items_per_s'] / base['items_per_s']:>5.2f} {row['p50']:>6.2f} "
            f"{row['p99']:>6.2f} {row['p50'] / base['p50']:>6.1f} {100 * row['refused']:>6.1f} "
            f"{row['rss'][0]:>10.0f} / {row['rss'][1]:<8.0f} "
            f"{row['fds'][0]:>4}/{row['fds'][1]:<4}  {row['codes']}"
        )
        if row["wrong"] or row["failed"]:
            print(
                f"        !! {row['wrong']} rewards off the baseline, {row['failed']} items failed"
            )


if __name__ == "__main__":
    main()
