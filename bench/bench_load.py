"""Load benchmark of the real `tpc-mock serve` (waitress) on loopback; not a pytest test.

Run:  python bench/bench_load.py [--duration 10] [--threads 2] [--connections 16]

Scenarios (each against a fresh server started with the CLI, `--rate-limit 0`):
  list    GET /api/v1/site/pages?productId=product_123&pageSize=20   (in memory)
  md      GET /api/v1/md/page_123                                     (in memory)
  create  POST /api/v1/site/pages, one page per request, unique slugs  (--data file:
          every 2xx is fsynced to disk before the answer; the server is then SIGKILLed,
          restarted on the same file and the page count compared)
Load comes from `wrk` when it is on PATH (lua script in a temp file), else from a Python
thread pool with `requests` (slower: the client competes with the server for the CPU).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

PRODUCT = "product_123"
LIST_PATH = f"/api/v1/site/pages?productId={PRODUCT}&pageSize=20"
COUNT_PATH = f"/api/v1/site/pages?productId={PRODUCT}&archivedStatus=all&pageSize=1"
MD_PATH = "/api/v1/md/page_123"
WRITE_PATH = "/api/v1/site/pages"


WRK_SCRIPT = r"""
local threads, next_id = {}, 1
wrk.method = "%(method)s"
wrk.headers["x-api-key"] = "%(key)s"
wrk.headers["Content-Type"] = "application/json"
function setup(thread)
  thread:set("tid", next_id); next_id = next_id + 1; table.insert(threads, thread)
end
function init(args) n = 0; non2xx = 0 end
if wrk.method == "POST" then
  request = function()
    n = n + 1
    local slug = string.format("bench/%(run)s/t%%d-%%d", tid, n)
    return wrk.format(nil, nil, nil, string.format(
      '{"productId":"%(product)s","pages":[{"slug":"%%s","title":"Bench %%s","content":"# Bench"}]}',
      slug, slug))
  end
end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%%d,"duration_us":%%d,"p50_us":%%d,"p99_us":%%d,"non2xx":%%d,"errors":%%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), bad,
    e.connect + e.read + e.write + e.timeout))
end
"""


def wrk_load(url: str, path: str, method: str, key: str, seconds: int, threads: int,
             connections: int) -> dict[str, Any]:
    """Drive one scenario with wrk and a lua script in a temp file."""
    script = WRK_SCRIPT % {"method": method, "key": key, "product": PRODUCT,
                           "run": time.monotonic_ns()}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
             "-s", handle.name, url + path],
            check=True, capture_output=True, text=True, timeout=seconds + 60).stdout
    finally:
        os.unlink(handle.name)
    raw = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
    return _result(raw["requests"], raw["duration_us"] / 1e6, raw["p50_us"] / 1000,
                   raw["p99_us"] / 1000, raw["non2xx"], raw["errors"])


def python_load(url: str, path: str, method: str, key: str, seconds: int,
                connections: int) -> dict[str, Any]:
    """The fallback client: `connections` threads, each with its own keep-alive session."""
    import requests

    lock, counts = threading.Lock(), {"non2xx": 0, "errors": 0}
    latencies: list[float] = []
    run, serial = time.monotonic_ns(), iter(range(10**12))
    deadline = time.monotonic() + seconds

    def worker() -> None:
        session = requests.Session()
        session.headers.update({"x-api-key": key, "Content-Type": "application/json"})
        while time.monotonic() < deadline:
            slug = f"bench/{run}/p-{next(serial)}"
            body: dict[str, Any] = {"productId": PRODUCT, "pages": [{"slug": slug, "title": slug,
                                                     "content": "# Bench"}]}
            start = time.perf_counter()
            try:
                status = session.request(method, url + path, timeout=10,
                                         json=body if method == "POST" else None).status_code
            except requests.RequestException:
                status = 0
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                counts["errors" if status == 0 else "non2xx"] += not 200 <= status < 300
    began = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        for _ in range(connections):
            pool.submit(worker)
    latencies.sort()
    pick = (lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
            if latencies else 0.0)
    return _result(len(latencies), time.monotonic() - began, pick(0.50), pick(0.99),
                   counts["non2xx"], counts["errors"])


def _result(requests: int, seconds: float, p50: float, p99: float, non2xx: int,
            errors: int) -> dict[str, Any]:
    return {"requests": requests, "seconds": round(seconds, 2),
            "rps": round(requests / seconds, 1) if seconds else 0.0, "p50_ms": round(p50, 2),
            "p99_ms": round(p99, 2), "non2xx": non2xx, "errors": errors}


class Server:
    """`tpc-mock serve` in a subprocess on a free loopback port."""

    def __init__(self, workdir: Path, data: Path | None) -> None:
        self.log = workdir / f"server-{time.monotonic_ns()}.log"
        storage = ["--data", str(data)] if data else ["--in-memory"]
        exe = shutil.which("tpc-mock")
        base = [exe] if exe else [sys.executable, "-c", "from tpc_mock.cli import main; main()"]
        command = [*base, "serve", "--host", "127.0.0.1", "--port", "0", "--rate-limit", "0",
                   *storage]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.url = self._wait_for_url()
        self._wait_ready()

    def _wait_for_url(self, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(r"listening on (http://\S+)", self.log.read_text(errors="replace"))
            if match:
                return match.group(1)
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"server did not start:\n{self.log.read_text(errors='replace')}")

    def _wait_ready(self, timeout: float = 30.0) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/api/v1/openapi.json", timeout=2).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.05)
        self.kill()
        raise RuntimeError("server never answered /api/v1/openapi.json")

    def stop(self) -> None:
        """Ctrl+C, as a user would; SIGKILL if it does not exit."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL: nothing gets a chance to flush."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


def full_access_key(url: str) -> str:
    """The enabled org_123 key with the most scopes, from GET /__mock/fixtures."""
    import requests

    keys = requests.get(url + "/__mock/fixtures", timeout=5).json()["data"]["apiKeys"]
    usable = [k for k in keys if k["enabled"] and k["organizationId"] == "org_123"
              and {"content:read", "content:write"} <= set(k["scopes"])]
    return str(max(usable, key=lambda k: len(k["scopes"]))["key"])


def page_total(url: str, key: str) -> int:
    """All of product_123's pages, archived included."""
    import requests

    body = requests.get(url + COUNT_PATH, headers={"x-api-key": key}, timeout=10).json()
    return int(body["data"]["total"])


def settled_total(url: str, key: str) -> int:
    """The page total once requests still queued when the client stopped have finished."""
    last = page_total(url, key)
    for _ in range(50):
        time.sleep(0.2)
        now = page_total(url, key)
        if now == last:
            return now
        last = now
    return last


def drive(url: str, key: str, scenario: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run one scenario with wrk, or the Python client when wrk is missing."""
    spec = {
        "list": ("GET", LIST_PATH),
        "md": ("GET", MD_PATH),
        "create": ("POST", WRITE_PATH),
    }[scenario]
    method, path = spec
    if args.client == "wrk":
        return wrk_load(url, path, method, key, args.duration, args.threads, args.connections)
    return python_load(url, path, method, key, args.duration, args.connections)


def run_reads(workdir: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    """The two read scenarios against one in-memory server."""
    server = Server(workdir, None)
    try:
        key = full_access_key(server.url)
        return [{"scenario": s, **drive(server.url, key, s, args)} for s in ("list", "md")]
    finally:
        server.stop()


def run_writes(workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Durable creates against a file-backed server; SIGKILL, restart, count again."""
    data = workdir / "db.json"
    server = Server(workdir, data)
    try:
        key = full_access_key(server.url)
        before = page_total(server.url, key)
        result = drive(server.url, key, "create", args)
        after = settled_total(server.url, key)
    finally:
        server.kill()
    acknowledged = result["requests"] - result["non2xx"]
    restarted = Server(workdir, data)
    try:
        on_disk = page_total(restarted.url, full_access_key(restarted.url))
    finally:
        restarted.stop()
    result.update(scenario="create", pagesBefore=before, pagesAfter=after,
                  acknowledged=acknowledged, afterKillRestart=on_disk,
                  dataFileBytes=data.stat().st_size,
                  durable=on_disk >= after and on_disk - before >= acknowledged)
    return result


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    return {"nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
            else os.cpu_count(), "cpu": _cpu_model(), "platform": platform.platform(),
            "python": platform.python_version()}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def print_table(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """Human-readable results, then one JSON line for tooling."""
    info = machine()
    print(f"machine: nproc={info['nproc']}  {info['cpu']}  {info['platform']}  "
          f"python {info['python']}")
    shape = (f"threads={args.threads} connections={args.connections}" if args.client == "wrk"
             else f"{args.connections} client threads")
    print(f"client: {args.client}  {shape}  duration={args.duration}s per scenario  "
          "(server: waitress, 8 threads, loopback)")
    print(f"{'scenario':<8} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'non-2xx':>8} {'errors':>7}")
    for r in rows:
        print(f"{r['scenario']:<8} {r['requests']:>9} {r['rps']:>9.1f} {r['p50_ms']:>8.2f} "
              f"{r['p99_ms']:>8.2f} {r['non2xx']:>8} {r['errors']:>7}")
    writes = next((r for r in rows if r["scenario"] == "create"), None)
    if writes:
        print(f"create: pages {writes['pagesBefore']} -> {writes['pagesAfter']}, "
              f"acknowledged {writes['acknowledged']} (+{writes['pagesAfter'] - writes['pagesBefore'] - writes['acknowledged']} "
              f"in flight when the client stopped), after SIGKILL+restart "
              f"{writes['afterKillRestart']} ({'durable' if writes['durable'] else 'LOST WRITES'}"
              f"), data file {writes['dataFileBytes'] / 1e6:.1f} MB")
    print("JSON " + json.dumps({"machine": info, "client": args.client, "results": rows}))


def main(argv: list[str] | None = None) -> int:
    """Parse options, run the three scenarios, print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args(argv)
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
        if args.client == "python":
            print("wrk not found on PATH (apt-get install wrk): falling back to a Python "
                  "thread-pool client with requests; its numbers are lower bounds.")
    with tempfile.TemporaryDirectory(prefix="tpc-mock-bench-") as tmp:
        rows = run_reads(Path(tmp), args)
        rows.append(run_writes(Path(tmp), args))
    print_table(rows, args)
    return 0 if all(r.get("durable", True) for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
