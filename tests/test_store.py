"""The TinyDB store: atomic writes, corrupt files refused, durability, concurrency."""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.helpers import stored_tables
from tpc_mock.app import create_app
from tpc_mock.seedfile import load_seed
from tpc_mock.server import LiveServer
from tpc_mock.storage import StoreCorrupt, atomic_write_json
from tpc_mock.store import Store


@pytest.fixture
def seed_tables() -> dict[str, Any]:
    return dict(load_seed()["tables"])


def test_first_start_creates_data_file_from_seed(tmp_path: Path, seed_tables: Any) -> None:
    path = tmp_path / "nested" / "db.json"
    Store(seed_tables, path=path)
    on_disk = json.loads(path.read_text())
    assert on_disk["pages"]["page_123"]["title"] == "Pricing"


def test_writes_survive_a_restart(tmp_path: Path, seed_tables: Any) -> None:
    path = tmp_path / "db.json"
    store = Store(seed_tables, path=path)
    store.update("pages", "page_123", {"title": "Changed"})
    # No close(): an acknowledged write is already on disk.
    again = Store(seed_tables, path=path)
    assert again.get("pages", "page_123")["title"] == "Changed"


def test_interrupted_document_write_leaves_old_file_loadable(
    tmp_path: Path, seed_tables: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    store = Store(seed_tables, path=path)
    store.update("pages", "page_123", {"title": "Journaled"})
    before = path.read_bytes()

    def crash(*args: Any) -> None:
        raise OSError("power cut between temp file and rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        store.reset()  # a reset rewrites the document
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.json", "db.json.journal"], \
        "temp file cleaned up"
    assert Store(seed_tables, path=path).get("pages", "page_123")["title"] == "Journaled"


def test_failed_transaction_is_undone_in_memory_and_on_disk(
    tmp_path: Path, seed_tables: Any
) -> None:
    path = tmp_path / "db.json"
    store = Store(seed_tables, path=path)
    with pytest.raises(RuntimeError), store.transaction():
        store.update("pages", "page_123", {"title": "Half"})
        store.insert("pages", {"id": "page_new", "productId": "product_123"})
        raise RuntimeError("boom")
    assert store.get("pages", "page_123")["title"] == "Pricing"
    assert store.get("pages", "page_new") is None
    assert "page_new" not in {p["id"] for p in store.find("pages", "productId", "product_123")}
    assert stored_tables(path)["pages"]["page_123"]["title"] == "Pricing"


@pytest.mark.parametrize("content", ["{not json", "[1, 2, 3]", '{"pages": [1]}', "\xff\xfe"])
def test_corrupt_file_is_refused_and_kept(tmp_path: Path, seed_tables: Any, content: str) -> None:
    path = tmp_path / "db.json"
    path.write_bytes(content.encode("latin-1"))
    with pytest.raises(StoreCorrupt) as info:
        Store(seed_tables, path=path)
    assert str(path) in str(info.value) and "left untouched" in str(info.value)
    assert path.read_bytes() == content.encode("latin-1")


def test_in_memory_store_writes_no_file(tmp_path: Path, seed_tables: Any) -> None:
    os.chdir(tmp_path)
    store = Store(seed_tables)
    store.update("pages", "page_123", {"title": "Mem"})
    assert list(tmp_path.iterdir()) == []


def test_indexes_follow_updates(seed_tables: Any) -> None:
    store = Store(seed_tables)
    store.update("pages", "page_123", {"productId": "product_x"})
    assert "page_123" in {p["id"] for p in store.find("pages", "productId", "product_x")}
    assert "page_123" not in {p["id"] for p in store.find("pages", "productId", "product_123")}
    store.remove("pages", "page_123")
    assert store.find("pages", "productId", "product_x") == []


def test_reset_and_snapshot_restore(seed_tables: Any) -> None:
    store = Store(seed_tables)
    blob = store.snapshot()
    store.update("pages", "page_123", {"title": "A"})
    store.restore(blob)
    assert store.get("pages", "page_123")["title"] == "Pricing"
    store.remove("pages", "page_123")
    store.reset()
    assert store.get("pages", "page_123")["title"] == "Pricing"


def test_returned_records_are_read_only_and_never_change(seed_tables: Any) -> None:
    store = Store(seed_tables, frozen=True)
    page = store.get("pages", "page_123")
    with pytest.raises(TypeError, match="read-only"):
        page["title"] = "mutated"
    with pytest.raises(TypeError, match="read-only"):
        page["domainIds"].append("domain_x")
    store.update("pages", "page_123", {"title": "New"})
    assert page["title"] == "Pricing", "a write makes a new record, the old one stays as it was"
    assert store.get("pages", "page_123")["title"] == "New"


def test_atomic_write_json_replaces_content(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    atomic_write_json(path, {"a": 1})
    atomic_write_json(path, {"a": 2})
    assert json.loads(path.read_text()) == {"a": 2}


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    """Many threads create pages at once through waitress: every 200 is on disk, no 5xx."""
    app = create_app({"data": tmp_path / "db.json", "rate_limit": "0"})
    rt = app.extensions["tpc_mock"]
    key = rt.credentials["apiKeys"][0]["key"]
    statuses: list[int] = []
    created: list[str] = []
    lock = threading.Lock()

    def writer(n: int, url: str) -> None:
        with requests.Session() as http:
            for i in range(10):
                response = http.post(f"{url}/api/v1/site/pages", headers={"x-api-key": key},
                                     json={"productId": "product_123", "pages": [
                                         {"slug": f"t{n}/p{i}", "title": "t", "content": "c"}]})
                with lock:
                    statuses.append(response.status_code)
                    created.extend(c["id"] for c in response.json()["data"]["created"])

    with LiveServer(app=app, threads=8) as server:
        threads = [threading.Thread(target=writer, args=(n, server.url)) for n in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses == [200] * 120
    assert len(set(created)) == 120
    on_disk = stored_tables(tmp_path / "db.json")["pages"]
    assert set(created) <= set(on_disk)


def test_failed_single_write_leaves_memory_as_the_file(
    tmp_path: Path, seed_tables: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    store = Store(seed_tables, path=path)

    def disk_full(*args: Any) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(os, "write", disk_full)  # the journal append fails
    with pytest.raises(OSError):
        store.insert("pages", {"id": "page_x", "productId": "product_123"})
    monkeypatch.undo()
    assert store.get("pages", "page_x") is None
    assert "page_x" not in {p["id"] for p in store.find("pages", "productId", "product_123")}
    store.update("pages", "page_123", {"title": "After"})  # later writes still work
    assert "page_x" not in stored_tables(path)["pages"]
    assert stored_tables(path)["pages"]["page_123"]["title"] == "After"


def test_reset_restores_only_written_tables_fully(seed_tables: Any) -> None:
    store = Store(seed_tables)
    store.insert("scratch", {"id": "x"})
    store.touch("apiKeys", next(iter(seed_tables["apiKeys"])), {"lastRequest": "now"})
    store.remove("pages", "page_123")
    untouched = store.get("products", "product_123")
    store.reset()
    assert store.get("scratch", "x") is None
    assert store.find("apiKeys", "organizationId", "org_123")
    assert all(k.get("lastRequest") is None for k in store.find("apiKeys", "organizationId", "org_123"))
    assert store.get("pages", "page_123")["title"] == "Pricing"
    assert "page_123" in {p["id"] for p in store.find("pages", "productId", "product_123")}
    assert store.get("products", "product_123") == untouched


def test_reads_without_the_lock_see_a_record_before_or_after_each_write(
        seed_tables: Any) -> None:
    """get and find_one skip the lock: under writes they return a whole record whose
    looked-up field has the value asked for, or None, and never raise."""
    store = Store(seed_tables, None, frozen=True)
    store.insert("users", {"id": "user_race", "email": "race-0@example.com", "name": "r"})
    stop = threading.Event()
    problems: list[str] = []

    def writer() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            store.update("users", "user_race", {"email": f"race-{n % 2}@example.com"})
            if n % 10 == 0:
                store.insert("users", {"id": f"user_tmp{n}", "email": f"race-{n % 3}@example.com"})
                store.remove("users", f"user_tmp{n}")

    def reader() -> None:
        for n in range(60000):
            email = f"race-{n % 3}@example.com"
            found = store.find_one("users", "email", email)
            if found is not None and found["email"] != email:
                problems.append(f"{email} gave {found['email']}")
            record = store.get("users", "user_race")
            if record is None or set(record) != {"id", "email", "name"}:
                problems.append(f"user_race read as {record}")

    threads = [threading.Thread(target=writer), *(threading.Thread(target=reader) for _ in range(3))]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns every few bytecodes: races show up
    try:
        for thread in threads:
            thread.start()
        for thread in threads[1:]:
            thread.join()
    finally:
        stop.set()
        threads[0].join()
        sys.setswitchinterval(interval)
    assert problems == []
