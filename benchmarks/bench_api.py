"""GET the flex expectation at a fixed request rate on loopback; report p50/p99 latency.

Starts `netruimte serve` on the default region in a subprocess (127.0.0.1, a temporary SQLite
store), then sends an open-loop stream of GET /api/areas/{area}/flex/annual requests at
`--rate` per second, cycling over all areas, for `--seconds`, from `--workers` client
processes (each a keep-alive connection sending its share at fixed times). Latency is
measured from the *scheduled* send time (a slow answer delays that worker's next sends, and
the delay counts: no coordinated omission) and, for comparison, from the actual send. The
baseline is GET /api/health at the same rate in the same run, interleaved round by round;
ratios are printed. Goal: p99 ≤ 50 ms at 200 req/s.

    .venv/bin/python benchmarks/bench_api.py --rate 200 --seconds 15 --rounds 3
"""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.pool
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_url: str, port: int, log: Path, nice: int = 0) -> subprocess.Popen:
    cmd = [
        sys.executable, "-m", "netruimte.cli", "serve", "--db", db_url,
        "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=(lambda: os.nice(nice)) if nice else None,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def _worker(args: tuple[str, list[str], float, float, int, int, float]) -> np.ndarray:
    """One load process: requests k, k+W, k+2W, ... at their scheduled times (sync client).

    Returns rows (scheduled-send latency ms, service latency ms, status, bytes)."""
    base, paths, rate, seconds, k, workers, t0 = args
    n = int(rate * seconds)
    out = []
    with httpx.Client(base_url=base, timeout=60) as client:
        client.get("/api/health")  # open the keep-alive connection before the clock starts
        for i in range(k, n, workers):
            due = t0 + i / rate
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
            sent = time.time()
            r = client.get(paths[i % len(paths)])
            done = time.time()
            out.append(((done - due) * 1000, (done - sent) * 1000, r.status_code, len(r.content)))
    return np.asarray(out, dtype=float)


def open_loop(
    pool: multiprocessing.pool.Pool,
    base: str,
    paths: list[str],
    rate: float,
    seconds: float,
    workers: int,
) -> dict:
    """rate × seconds requests at fixed times spread over `workers` processes."""
    t0 = time.time() + 1.0
    jobs = [(base, paths, rate, seconds, k, workers, t0) for k in range(workers)]
    rows = np.concatenate(pool.map(_worker, jobs))
    wall = max(time.time() - t0, 1e-9)
    return {
        "n": len(rows),
        "achieved_rate": len(rows) / wall,
        "sched": rows[:, 0],
        "service": rows[:, 1],
        "errors": int((rows[:, 2] != 200).sum()),
        "bytes": float(rows[:, 3].mean()),
    }


def pct(a: np.ndarray, q: float) -> float:
    return float(np.percentile(a, q))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=200.0, help="requests per second")
    ap.add_argument("--seconds", type=float, default=15.0, help="duration of one measurement")
    ap.add_argument("--rounds", type=int, default=2, help="rounds (baseline and flex each)")
    ap.add_argument("--workers", type=int, default=8, help="load-generating processes")
    ap.add_argument(
        "--nice",
        type=int,
        default=0,
        help="niceness of server and clients (e.g. -5 as root on a machine shared with other "
        "jobs; the output says so)",
    )
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="bench-api-"))
    port = free_port()
    proc = start_server(f"sqlite:///{folder / 'store.db'}", port, folder / "server.log", args.nice)
    if args.nice:
        os.nice(args.nice)  # the client processes inherit it
    base = f"http://127.0.0.1:{port}"
    try:
        areas = [a["area_id"] for a in httpx.get(f"{base}/api/areas", timeout=30).json()]
        flex = [f"/api/areas/{a}/flex/annual" for a in areas]
        health = ["/api/health"]
        results: dict[str, list[dict]] = {"health": [], "flex": []}
        with multiprocessing.Pool(args.workers) as pool:
            open_loop(pool, base, flex + health, 100, 2, args.workers)  # warm-up
            for _ in range(args.rounds):
                for name, paths in (("health", health), ("flex", flex)):
                    run = open_loop(pool, base, paths, args.rate, args.seconds, args.workers)
                    results[name].append(run)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    import netruimte

    print(
        f"netruimte {netruimte.__version__}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores, default region ({len(areas)} areas), uvicorn 1 process, "
        f"{args.workers} client processes, niceness {args.nice}, "
        f"{args.rate:g} req/s × {args.seconds:g} s × {args.rounds} rounds, loopback; "
        f"load average before {load0:.1f}, after {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'endpoint':<34}{'n':>6}{'rate':>8}{'p50':>8}{'p90':>8}{'p99':>8}{'max':>8}"
        f"{'p99 svc':>9}{'err':>5}{'KB':>7}"
    )
    summary = {}
    for name, label in (
        ("health", "GET /api/health (baseline)"),
        ("flex", "GET /api/areas/{id}/flex/annual"),
    ):
        runs = results[name]
        sched = np.concatenate([r["sched"] for r in runs])
        service = np.concatenate([r["service"] for r in runs])
        rate = float(np.mean([r["achieved_rate"] for r in runs]))
        err = sum(r["errors"] for r in runs)
        kb = float(np.mean([r["bytes"] for r in runs])) / 1024
        summary[name] = (pct(sched, 50), pct(sched, 99))
        print(
            f"{label:<34}{len(sched):>6}{rate:>8.1f}{pct(sched, 50):>8.2f}"
            f"{pct(sched, 90):>8.2f}{pct(sched, 99):>8.2f}{sched.max():>8.1f}"
            f"{pct(service, 99):>9.2f}{err:>5}{kb:>7.1f}"
        )
    for name in ("health", "flex"):
        per_round = ", ".join(f"{pct(r['sched'], 99):.1f}" for r in results[name])
        print(f"p99 per round, {name}: {per_round} ms")
    p50, p99 = summary["flex"]
    print(
        f"latency in ms from the scheduled send; ratio flex/baseline: p50 "
        f"{p50 / summary['health'][0]:.2f}×, p99 {p99 / summary['health'][1]:.2f}×"
    )
    print(f"goal p99 ≤ 50 ms: {'met' if p99 <= 50 else 'NOT met'} (p99 {p99:.1f} ms)")


if __name__ == "__main__":
    main()
