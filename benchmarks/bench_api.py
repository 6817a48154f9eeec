"""GET the flex expectation at a fixed request rate on loopback; report p50/p99 latency.

Starts `netruimte serve` on the default region in a subprocess (127.0.0.1, a temporary SQLite
store), then sends an open-loop stream of GET /api/areas/{area}/flex/annual requests at
`--rate` per second, cycling over all areas, for `--seconds`. Latency is measured from the
*scheduled* send time (so a slow server cannot hide queueing: no coordinated omission) and,
for comparison, from the actual send. The baseline is GET /api/health at the same rate in the
same run, interleaved round by round; ratios are printed. Goal: p99 ≤ 50 ms at 200 req/s.

    .venv/bin/python benchmarks/bench_api.py --rate 200 --seconds 15 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
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


def start_server(db_url: str, port: int, log: Path) -> subprocess.Popen:
    cmd = [
        sys.executable, "-m", "netruimte.cli", "serve", "--db", db_url,
        "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
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


async def open_loop(base: str, paths: list[str], rate: float, seconds: float) -> dict:
    """Send len = rate × seconds requests at fixed times; latencies in ms."""
    n = int(rate * seconds)
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    sched_ms = np.full(n, np.nan)
    service_ms = np.full(n, np.nan)
    status = np.zeros(n, dtype=int)
    sizes = np.zeros(n, dtype=int)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        t0 = time.perf_counter() + 0.2

        async def one(i: int) -> None:
            due = t0 + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sent = time.perf_counter()
            r = await client.get(paths[i % len(paths)])
            done = time.perf_counter()
            sched_ms[i] = (done - due) * 1000
            service_ms[i] = (done - sent) * 1000
            status[i] = r.status_code
            sizes[i] = len(r.content)

        await asyncio.gather(*(one(i) for i in range(n)))
        wall = time.perf_counter() - t0
    return {
        "n": n,
        "achieved_rate": n / wall,
        "sched": sched_ms,
        "service": service_ms,
        "errors": int((status != 200).sum()),
        "bytes": float(sizes.mean()),
    }


def pct(a: np.ndarray, q: float) -> float:
    return float(np.percentile(a, q))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=200.0, help="requests per second")
    ap.add_argument("--seconds", type=float, default=15.0, help="duration of one measurement")
    ap.add_argument("--rounds", type=int, default=2, help="rounds (baseline and flex each)")
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="bench-api-"))
    port = free_port()
    proc = start_server(f"sqlite:///{folder / 'store.db'}", port, folder / "server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        areas = [a["area_id"] for a in httpx.get(f"{base}/api/areas", timeout=30).json()]
        flex = [f"/api/areas/{a}/flex/annual" for a in areas]
        health = ["/api/health"]
        asyncio.run(open_loop(base, flex + health, 100, 2))  # warm-up
        results: dict[str, list[dict]] = {"health": [], "flex": []}
        for _ in range(args.rounds):
            results["health"].append(asyncio.run(open_loop(base, health, args.rate, args.seconds)))
            results["flex"].append(asyncio.run(open_loop(base, flex, args.rate, args.seconds)))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    import netruimte

    print(
        f"netruimte {netruimte.__version__}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores, default region ({len(areas)} areas), uvicorn 1 process, "
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
    p50, p99 = summary["flex"]
    print(
        f"latency in ms from the scheduled send; ratio flex/baseline: p50 "
        f"{p50 / summary['health'][0]:.2f}×, p99 {p99 / summary['health'][1]:.2f}×"
    )
    print(f"goal p99 ≤ 50 ms: {'met' if p99 <= 50 else 'NOT met'} (p99 {p99:.1f} ms)")


if __name__ == "__main__":
    main()
