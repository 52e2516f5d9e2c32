"""Hostile duration: a server left running for days holds bounded memory and tables.

Idempotency answers leave after 24 h on the emulator's clock (and past a bound), expired
device codes and sessions are swept at start and every few emulated minutes.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tpc_mock.app import create_app
from tpc_mock.auth.sessions import create_session
from tpc_mock.clock import Clock
from tpc_mock.idempotency import KEEP_SECONDS, MAX_BYTES, MAX_ENTRIES, IdempotencyCache
from tpc_mock.store import Store
from tpc_mock.sweeper import GRACE_SECONDS, SWEEP_SECONDS

from .helpers import AppFactory

CONFIG = "/api/v1/apps/app_123/app-config"
ANSWER = {"config": {"blob": "x" * 8000}}  # an ~8 KB answer, stored for replay


def _key(client: FlaskClient) -> str:
    return str(client.get("/__mock/fixtures").get_json()["data"]["apiKeys"][0]["key"])


def _patch(client: FlaskClient, key: str, idempotency_key: str) -> None:
    response = client.patch(CONFIG, json=ANSWER,
                            headers={"x-api-key": key, "Idempotency-Key": idempotency_key})
    assert response.status_code == 200, response.get_json()


def test_expired_answers_leave_without_their_key_coming_back(fresh_app: AppFactory) -> None:
    app = fresh_app(rate_limit="0")
    client, rt = app.test_client(), app.extensions["tpc_mock"]
    key = _key(client)
    for n in range(300):
        _patch(client, key, f"fresh-{n}")
    assert len(rt.idempotency) == 300 and rt.idempotency.stored_bytes > 300 * 8000
    rt.clock.advance(25 * 3600)
    _patch(client, key, "one-more")
    assert len(rt.idempotency) == 1 and rt.idempotency.stored_bytes < 10_000


def test_a_replay_within_24_hours_is_still_served(fresh_app: AppFactory) -> None:
    app = fresh_app()
    client, rt = app.test_client(), app.extensions["tpc_mock"]
    key = _key(client)
    _patch(client, key, "kept")
    rt.clock.advance(KEEP_SECONDS - 60)
    _patch(client, key, "other")
    replay = client.patch(CONFIG, json=ANSWER, headers={"x-api-key": key, "Idempotency-Key": "kept"})
    assert replay.headers["x-idempotent-replay"] == "true"
    assert replay.get_json()["data"]["config"]["blob"] == ANSWER["config"]["blob"]


def test_the_cache_holds_at_most_its_bounds() -> None:
    assert (MAX_ENTRIES, MAX_BYTES) == (10_000, 64 * 1024 * 1024)  # as the README documents
    cache = IdempotencyCache(Clock(), max_entries=50, max_bytes=4 * 1024 * 1024)
    for n in range(500):
        assert cache.begin(("k", str(n)), "h") == "new"
        cache.finish(("k", str(n)), 200, b"x" * (1024 * 1024 if n % 2 else 10))
        assert len(cache) <= 50 and cache.stored_bytes <= 4 * 1024 * 1024
    assert cache.begin(("k", "499"), "h") != "new"  # the newest answer is still there
    assert cache.begin(("k", "0"), "h") == "new"  # the oldest went first


def _device_codes(client: FlaskClient, count: int) -> None:
    for _ in range(count):
        assert client.post("/api/auth/device/code", json={"client_id": "cli"}).status_code == 200


def test_unauthenticated_device_codes_are_swept(fresh_app: AppFactory) -> None:
    app = fresh_app()
    client, store = app.test_client(), app.extensions["tpc_mock"].store
    seeded = store.count("deviceCodes")
    _device_codes(client, 200)
    assert store.count("deviceCodes") == seeded + 200
    client.post("/__mock/clock", json={"advance": 1800 + GRACE_SECONDS["deviceCodes"] + 1})
    client.get("/api/v1/openapi.json")
    assert store.count("deviceCodes") == seeded


def test_a_late_poll_still_hears_expired_token(fresh_app: AppFactory) -> None:
    app = fresh_app()
    client = app.test_client()
    code = client.post("/api/auth/device/code", json={"client_id": "cli"}).get_json()
    client.post("/__mock/clock", json={"advance": 1800 + SWEEP_SECONDS})
    response = client.post("/api/auth/device/token", json={
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": code["device_code"], "client_id": "cli"})
    assert response.get_json()["error"] == "expired_token"


def test_expired_sessions_are_swept_and_live_ones_kept(app: Flask) -> None:
    rt = app.extensions["tpc_mock"]
    seeded = rt.store.count("sessions")
    old = [create_session(rt, "user_owner")[1]["id"] for _ in range(50)]
    rt.clock.advance(6 * 24 * 3600)
    live = create_session(rt, "user_owner")[1]["id"]
    rt.clock.advance(2 * 24 * 3600)
    app.test_client().get("/api/v1/openapi.json")
    assert not any(rt.store.get("sessions", i) for i in old)
    assert rt.store.get("sessions", live) is not None
    assert rt.store.count("sessions") == seeded + 1


def test_what_expired_while_the_server_was_down_is_swept_at_start(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    first = create_app({"data": path})
    rt = first.extensions["tpc_mock"]
    ids = [create_session(rt, "user_owner")[1]["id"] for _ in range(5)]
    _device_codes(first.test_client(), 5)
    rt.store.close()
    later = Store({}, path=path)
    with later.transaction():
        for table in ("sessions", "deviceCodes"):
            for record in later.all(table):
                if record["id"] in ids or table == "deviceCodes":
                    later.update(table, record["id"], {"expiresAt": "2001-01-01T00:00:00.000Z"})
    restarted = create_app({"data": path}).extensions["tpc_mock"].store
    assert restarted.count("deviceCodes") == 0
    assert not any(restarted.get("sessions", i) for i in ids)


def _run_for_days(app: Flask, iterations: int, marks: dict[int, Any]) -> None:
    """Each iteration: an idempotent write, a device code, a session; then 2 h pass."""
    client, rt = app.test_client(), app.extensions["tpc_mock"]
    key = _key(client)
    for n in range(iterations):
        _patch(client, key, f"long-{n}")
        _device_codes(client, 1)
        create_session(rt, "user_member")
        rt.clock.advance(2 * 3600)
        if n in marks:
            marks[n] = (tracemalloc.get_traced_memory()[0], len(rt.idempotency),
                        rt.store.count("deviceCodes"), rt.store.count("sessions"))


def test_a_long_run_of_unique_keys_codes_and_sessions_stays_bounded(fresh_app: AppFactory) -> None:
    app = fresh_app(rate_limit="0")
    # From iteration 550 on the request journal (1000 entries) is full, so memory is flat.
    marks: dict[int, Any] = {549: None, 899: None}
    tracemalloc.start()
    try:
        _run_for_days(app, 900, marks)  # 75 emulated days
    finally:
        tracemalloc.stop()
    (early, *early_sizes), (late, *late_sizes) = marks[549], marks[899]
    # 12 answers per 24 h, codes within 90 min + one sweep, sessions within 7 days + one sweep.
    assert late_sizes[0] <= 13 and late_sizes[1] <= 3 + 2 and late_sizes[2] <= 84 + 3 + 2
    assert all(abs(a - b) <= 2 for a, b in zip(late_sizes, early_sizes, strict=True))
    # Unbounded, 350 iterations held ~4 MB more; what is left is the store's index buckets
    # (an empty set per deleted token hash, ~0.5 KB per iteration).
    assert late - early < 600_000, f"grew by {late - early} bytes over 350 iterations"
