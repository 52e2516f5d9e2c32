"""Benchmark of the pytest harness: per-test reset cost and the session server's start-up.

Run: `python bench/bench_harness.py [--resets 200] [--starts 20] [--sessions 5] [--profile]`.
Targets (2-core machine): a reset under 5 ms, a server ready under 0.5 s. Wall times
depend on what else the machine runs, so each row also gives the process's CPU time and
the header the load average.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from tpc_mock.app import create_app
from tpc_mock.server import LiveServer

RESET_TARGET_MS = 5.0
READY_TARGET_MS = 500.0
Sample = tuple[float, float]  # (wall ms, CPU ms)

# A fresh pytest session whose first test reports how long `tpc_mock` took to be usable:
# from the session fixture's setup to the first successful request.
CONFTEST = '''
import time
import pytest

STARTED = {}

@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    if fixturedef.argname == "tpc_mock_server":
        STARTED["at"] = (time.perf_counter(), time.process_time())
    yield
'''
FIRST_TEST = '''
import time
import requests
from conftest import STARTED

def test_first(tpc_mock):
    assert requests.get(tpc_mock.url + "/__mock/clock", timeout=10).status_code == 200
    wall, cpu = STARTED["at"]
    print(f"\\nREADY {(time.perf_counter() - wall) * 1000:.1f} {(time.process_time() - cpu) * 1000:.1f}")
'''


def clocked(action: Callable[[], Any]) -> Sample:
    """(wall ms, CPU ms) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def dirty(rt: Any, n: int) -> None:
    """What a typical test leaves behind: new and changed rows, journal entries."""
    rt.store.insert("pages", {"id": f"page_bench_{n}", "productId": "product_123",
                              "title": "Bench", "filePath": f"bench-{n}"})
    rt.store.update("pages", "page_123", {"title": f"Changed {n}"})
    rt.journal.extend({"path": "/api/v1/x", "status": 200} for _ in range(20))


def bench_runtime_reset(runs: int) -> list[Sample]:
    """Runtime.reset(), as the `tpc_mock` fixture calls it before every test."""
    rt = create_app({"in_memory": True}).extensions["tpc_mock"]
    samples = []
    for n in range(runs):
        dirty(rt, n)
        samples.append(clocked(rt.reset))
    return samples


def bench_http_reset(runs: int) -> tuple[list[Sample], list[Sample]]:
    """POST /__mock/reset on a kept-alive connection, interleaved with a no-op request.

    The no-op (GET /__mock/clock) is the HTTP round trip alone (requests, waitress,
    Flask) under the same load, so the difference is what the reset itself costs.
    """
    resets: list[Sample] = []
    noops: list[Sample] = []
    with LiveServer(config={"in_memory": True}) as server, requests.Session() as client:
        url = server.url + "/__mock"
        client.post(url + "/reset", timeout=10)
        for n in range(runs):
            dirty(server.runtime, n)
            resets.append(clocked(lambda: client.post(url + "/reset", timeout=10).raise_for_status()))
            noops.append(clocked(lambda: client.get(url + "/clock", timeout=10).raise_for_status()))
    return resets, noops


def ready_once() -> None:
    """LiveServer creation to the first successful request (the session fixture's work)."""
    server = LiveServer(config={"in_memory": True}).start()
    try:
        with requests.Session() as client:
            client.get(server.url + "/__mock/clock", timeout=10).raise_for_status()
    finally:
        server.stop()


def bench_ready(starts: int) -> list[Sample]:
    """Start-up in a warm process (every module already imported)."""
    return [clocked(ready_once) for _ in range(starts)]


def bench_pytest_session(sessions: int, env: dict[str, str]) -> list[Sample]:
    """The `tpc_mock` fixture in fresh pytest sessions: imports, app, server, first request."""
    samples = []
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "conftest.py").write_text(CONFTEST)
        Path(folder, "test_first.py").write_text(FIRST_TEST)
        for _ in range(sessions):
            out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
                                  "test_first.py"], cwd=folder, env=env, capture_output=True,
                                 text=True, check=True).stdout
            line = next(ln for ln in out.splitlines() if ln.startswith("READY "))
            wall, cpu = line.split()[1:]
            samples.append((float(wall), float(cpu)))
    return samples


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def row(name: str, samples: list[Sample], target: float | None) -> str:
    """One table row: wall median and p95, CPU median, verdict on the wall median."""
    walls, cpus = [s[0] for s in samples], [s[1] for s in samples]
    med = statistics.median(walls)
    if target is None:
        verdict = "-"
    else:
        verdict = "ok" if p95(walls) < target else ("ok (p95 over)" if med < target else "MISSED")
    goal = "-" if target is None else f"< {target:g}"
    return (f"| {name:<45} | {len(samples):>4} | {med:>8.2f} | {p95(walls):>8.2f} | "
            f"{statistics.median(cpus):>8.2f} | {goal:>6} | {verdict:<13} |")


def profile(what: Callable[[], Any]) -> None:
    """cProfile one measurement, top 15 by internal time."""
    profiler = cProfile.Profile()
    profiler.runcall(what)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--resets", type=int, default=200)
    parser.add_argument("--starts", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=5, help="fresh pytest sessions")
    parser.add_argument("--profile", action="store_true", help="cProfile reset and start-up")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; "
          f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}\n")
    print("| measurement (ms)                              | runs |   median |      p95 |  CPU med "
          "| target | result        |")
    print("|-----------------------------------------------|------|----------|----------|----------"
          "|--------|---------------|")
    print(row("Runtime.reset() (the fixture, per test)", bench_runtime_reset(args.resets),
              RESET_TARGET_MS))
    resets, noops = bench_http_reset(args.resets)
    print(row("POST /__mock/reset (HTTP, kept alive)", resets, RESET_TARGET_MS))
    print(row("GET /__mock/clock (the HTTP round trip alone)", noops, None))
    print(row("server ready, warm process", bench_ready(args.starts), READY_TARGET_MS))
    if args.sessions:
        env = dict(os.environ)
        print(row("fixture ready, fresh pytest (env as is)", bench_pytest_session(args.sessions, env),
                  READY_TARGET_MS))
        with tempfile.TemporaryDirectory() as cache:  # bytecode cached, as after pip install
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = cache
            bench_pytest_session(1, env)
            print(row("fixture ready, fresh pytest (.pyc cached)",
                      bench_pytest_session(args.sessions, env), READY_TARGET_MS))
    if args.profile:
        profile(lambda: bench_runtime_reset(args.resets))
        profile(lambda: bench_ready(3))


if __name__ == "__main__":
    main()
