"""Scaling benchmark: tpc-mock at 1k, 10k and 100k pages against the bare stack, same run.

Run:  python bench/bench_scale.py [--sizes default,1000,10000,100000] [--duration 10]

For the bare stack (bench/bare_app.py: Flask on waitress, one JSON endpoint) and for each
store size, against `tpc-mock serve` subprocesses on loopback driven by `wrk`:
  start     wall time from spawning the server to its first 200 on the list endpoint,
            in memory, on a new data file (written from the seed) and on restart over it
  list c1   GET /api/v1/site/pages?productId=product_123&pageSize=20, one connection
  list c16  the same, wrk -t2 -c16: req/s, p50, p99, socket timeouts (wrk's 2 s)
  mixed     many distinct list/md URLs with 5 % creates, wrk -t2 -c16 (in memory)
  creates   POST one page per request on a data file, wrk -t2 -c16; then SIGKILL, restart
            and check every acknowledged page is there
  RSS       of the in-memory server after its load runs
Seeds are made once with `tpc-mock seed --pages N` and cached in ~/.cache/tpc-mock-bench.
The machine drifts by 20 % between runs: compare the ratios to the bare stack.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).resolve().parent
PRODUCT = "product_123"
LIST_PATH = f"/api/v1/site/pages?productId={PRODUCT}&pageSize=20"
CACHE = Path.home() / ".cache" / "tpc-mock-bench"

LUA = r"""
local threads, counter = {}, 0
local paths = {%(paths)s}
wrk.headers["x-api-key"] = "%(key)s"
wrk.headers["Content-Type"] = "application/json"
function setup(thread)
  counter = counter + 1; thread:set("tid", counter); table.insert(threads, thread)
end
function init(args) n = 0; non2xx = 0 end
request = function()
  n = n + 1
  local every = %(create_every)d
  if every > 0 and n %% every == 0 then
    local slug = string.format("bench/%(run)s/t%%d-%%d", tid, n)
    return wrk.format("POST", "/api/v1/site/pages", nil, string.format(
      '{"productId":"%(product)s","pages":[{"slug":"%%s","title":"Bench","content":"# Bench"}]}',
      slug))
  end
  return wrk.format("GET", paths[(n + tid) %% #paths + 1])
end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%%d,"duration_us":%%d,"p50_us":%%d,' ..
    '"p99_us":%%d,"non2xx":%%d,"timeouts":%%d,"errors":%%d}\n', summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99), bad, e.timeout,
    e.connect + e.read + e.write))
end
"""


def wrk(url: str, paths: list[str], key: str, seconds: float, threads: int, connections: int,
        create_every: int = 0) -> dict[str, Any]:
    """Drive `url` with wrk: GETs cycling over `paths`, every Nth request a create."""
    script = LUA % {"paths": ", ".join(json.dumps(p) for p in paths), "key": key,
                    "create_every": create_every, "run": time.monotonic_ns(),
                    "product": PRODUCT}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{int(seconds)}s",
                              "-s", handle.name, url], check=True, capture_output=True,
                             text=True, timeout=seconds + 120).stdout
    finally:
        os.unlink(handle.name)
    if "RESULT " not in out:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    raw = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
    secs = raw["duration_us"] / 1e6
    return {"requests": raw["requests"], "rps": round(raw["requests"] / secs, 1),
            "p50_ms": round(raw["p50_us"] / 1000, 2), "p99_ms": round(raw["p99_us"] / 1000, 2),
            "non2xx": raw["non2xx"], "timeouts": raw["timeouts"], "errors": raw["errors"]}


class Process:
    """A server subprocess that prints `listening on URL`; ready at its first 200."""

    def __init__(self, command: list[str], ready_path: str, key: str | None = None) -> None:
        self.began = time.monotonic()
        self.log = tempfile.NamedTemporaryFile("w+b", suffix=".log", delete=False)
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT,
                                        env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.url = self._url()
        self.key = key or self._full_key()
        self._ready(ready_path)
        self.start_s = round(time.monotonic() - self.began, 2)

    def _text(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def _url(self) -> str:
        while time.monotonic() - self.began < 120:
            match = re.search(r"listening on (http://\S+)", self._text())
            if match:
                return match.group(1)
            if self.process.poll() is not None:
                break
            time.sleep(0.005)
        self.kill()
        raise RuntimeError(f"server did not start:\n{self._text()}")

    def _full_key(self) -> str:
        keys = requests.get(self.url + "/__mock/fixtures", timeout=30).json()["data"]["apiKeys"]
        usable = [k for k in keys if k["enabled"] and k["organizationId"] == "org_123"
                  and {"content:read", "content:write"} <= set(k["scopes"])]
        return str(max(usable, key=lambda k: len(k["scopes"]))["key"])

    def _ready(self, path: str) -> None:
        while time.monotonic() - self.began < 120:
            try:
                if requests.get(self.url + path, headers={"x-api-key": self.key},
                                timeout=30).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.005)
        raise RuntimeError("server never answered 200")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
        return 0.0

    def get(self, path: str) -> Any:
        return requests.get(self.url + path, headers={"x-api-key": self.key}, timeout=60).json()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)


def tpc_mock(seed: Path | None, *storage: str) -> list[str]:
    exe = shutil.which("tpc-mock")
    base = [exe] if exe else [sys.executable, "-m", "tpc_mock.cli"]
    seed_args = ["--seed", str(seed)] if seed else []
    return [*base, "serve", "--port", "0", "--rate-limit", "0", *seed_args, *storage]


def seed_file(size: str) -> Path | None:
    if size == "default":
        return None
    path = CACHE / f"seed-{size}.json"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        exe = shutil.which("tpc-mock") or "tpc-mock"
        subprocess.run([exe, "seed", "--pages", size, "--out", str(path)], check=True,
                       capture_output=True)
    return path


def mixed_paths(server: Process) -> list[str]:
    """Many distinct read URLs: list pages, sorts, filters, md by id and by path."""
    items = server.get(f"/api/v1/site/pages?productId={PRODUCT}&pageSize=100")["data"]["items"]
    paths = [f"/api/v1/site/pages?productId={PRODUCT}&page={n}&pageSize={size}&orderBy={o}"
             f"&orderByDirection={d}" for n in (1, 2, 3) for size in (10, 20, 50)
             for o in ("createdAt", "updatedAt") for d in ("asc", "desc")]
    paths += [f"/api/v1/site/pages?productId={PRODUCT}&status=published&page={n}"
              for n in (1, 2)]
    paths += [f"/api/v1/md/{item['id']}" for item in items[:40]]
    return paths


def measure_size(size: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    seed = seed_file(size)
    row: dict[str, Any] = {"size": size}
    server = Process(tpc_mock(seed, "--in-memory"), LIST_PATH)
    try:
        row["pages"] = server.get(f"/api/v1/site/pages?productId={PRODUCT}&archivedStatus=all"
                                  "&pageSize=1")["data"]["total"]
        row["start_memory_s"] = server.start_s
        row["list_c1"] = wrk(server.url, [LIST_PATH], server.key, args.duration / 2, 1, 1)
        row["list_c16"] = wrk(server.url, [LIST_PATH], server.key, args.duration, 2, 16)
        row["mixed_c16"] = wrk(server.url, mixed_paths(server), server.key, args.duration, 2,
                               16, create_every=20)
        row["rss_mb"] = server.rss_mb()
    finally:
        server.stop()
    data = workdir / f"db-{size}.json"
    server = Process(tpc_mock(seed, "--data", str(data)), LIST_PATH)
    try:
        row["start_new_file_s"] = server.start_s
        before = server.get(f"/api/v1/site/pages?productId={PRODUCT}&archivedStatus=all"
                            "&pageSize=1")["data"]["total"]
        row["creates"] = wrk(server.url, [LIST_PATH], server.key, args.duration, 2, 16,
                             create_every=1)
    finally:
        server.kill()  # SIGKILL: nothing gets a chance to flush
    restarted = Process(tpc_mock(seed, "--data", str(data)), LIST_PATH)
    try:
        row["start_restart_s"] = restarted.start_s
        after = restarted.get(f"/api/v1/site/pages?productId={PRODUCT}&archivedStatus=all"
                              "&pageSize=1")["data"]["total"]
        acknowledged = row["creates"]["requests"] - row["creates"]["non2xx"]
        row["creates"]["durable"] = after - before >= acknowledged
    finally:
        restarted.stop()
    return row


def bare(args: argparse.Namespace) -> dict[str, Any]:
    server = Process([sys.executable, str(HERE / "bare_app.py")], "/hello", key="-")
    try:
        return wrk(server.url, ["/hello"], "-", args.duration, 2, 16)
    finally:
        server.stop()


def report(result: dict[str, Any]) -> None:
    """A markdown table (the README's) and one JSON line."""
    ceiling = result["bare"]["rps"]
    print(f"\n{result['date']}  {result['machine']}  load {result['load']}")
    print(f"bare stack (Flask + waitress, one endpoint, wrk -t2 -c16): {ceiling} req/s, "
          f"p50 {result['bare']['p50_ms']} ms\n")
    print("| pages | list p50 / p99 c1 (ms) | list c16 req/s (x bare) | list c16 p99 ms | "
          "timeouts | mixed c16 req/s (x bare) | durable creates/s | RSS MB | "
          "start: memory / new file / restart (s) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in result["rows"]:
        c1, c16, mixed, creates = r["list_c1"], r["list_c16"], r["mixed_c16"], r["creates"]
        durable = "" if creates["durable"] else " LOST WRITES"
        print(f"| {r['pages']:,} | {c1['p50_ms']} / {c1['p99_ms']} | {c16['rps']:.0f} "
              f"({c16['rps'] / ceiling:.2f}) | {c16['p99_ms']} | "
              f"{c16['timeouts'] + mixed['timeouts']} | {mixed['rps']:.0f} "
              f"({mixed['rps'] / ceiling:.2f}) | {creates['rps']:.0f}{durable} | {r['rss_mb']} | "
              f"{r['start_memory_s']} / {r['start_new_file_s']} / {r['start_restart_s']} |")
    print("\nJSON " + json.dumps(result))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="default,1000,10000,100000")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install wrk")
        return 2
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown")
    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"), "machine": f"{os.cpu_count()} cores, {cpu}",
        "load": round(os.getloadavg()[0], 2), "bare": bare(args), "rows": []}
    with tempfile.TemporaryDirectory(prefix="tpc-mock-scale-") as tmp:
        for size in args.sizes.split(","):
            result["rows"].append(measure_size(size.strip(), args, Path(tmp)))
            print(f"measured {size}", file=sys.stderr, flush=True)
    report(result)
    return 0 if all(r["creates"]["durable"] for r in result["rows"]) else 1


if __name__ == "__main__":
    sys.exit(main())
