"""The data file's journal: appends instead of rewrites, torn lines, replay, compaction, crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import stored_tables
from tpc_mock.seedfile import load_seed
from tpc_mock.storage import StoreCorrupt
from tpc_mock.store import Store


@pytest.fixture
def seed_tables() -> dict[str, Any]:
    return dict(load_seed()["tables"])


def journal_of(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def test_a_durable_write_appends_one_line_and_leaves_the_document(
        tmp_path: Path, seed_tables: Any) -> None:
    path = tmp_path / "db.json"
    store = Store(seed_tables, path=path)
    document = path.read_bytes()
    store.update("pages", "page_123", {"title": "One"})
    with store.transaction():
        store.update("pages", "page_123", {"title": "Two"})
        store.insert("pages", {"id": "page_new", "productId": "product_123", "filePath": "n"})
    assert path.read_bytes() == document, "the document is not rewritten per write"
    lines = journal_of(path).read_bytes().splitlines()
    assert len(lines) == 2, "one line per commit"
    second = json.loads(lines[1])
    assert {(t, i) for t, i, _ in second["c"]} == {("pages", "page_123"), ("pages", "page_new")}
    assert stored_tables(path)["pages"]["page_123"]["title"] == "Two"


@pytest.mark.parametrize("tail", [b'{"g":1,"c":[["pages","page_123",{"id"', b"garbage\n"])
def test_a_torn_last_line_is_ignored(tmp_path: Path, seed_tables: Any, tail: bytes) -> None:
    path = tmp_path / "db.json"
    store = Store(seed_tables, path=path)
    store.update("pages", "page_123", {"title": "Kept"})
    with journal_of(path).open("ab") as handle:
        handle.write(tail)  # a crash in the middle of the next append
    again = Store(seed_tables, path=path)
    assert again.get("pages", "page_123")["title"] == "Kept"
    again.update("pages", "page_123", {"title": "After"})  # and appends go on cleanly
    assert Store(seed_tables, path=path).get("pages", "page_123")["title"] == "After"


def test_a_damaged_line_before_good_ones_is_refused_and_kept(
        tmp_path: Path, seed_tables: Any) -> None:
    path = tmp_path / "db.json"
    store = Store(seed_tables, path=path)
    store.update("pages", "page_123", {"title": "A"})
    store.update("pages", "page_123", {"title": "B"})
    journal = journal_of(path)
    lines = journal.read_bytes().splitlines(keepends=True)
    damaged = b"{broken\n" + lines[1]
    journal.write_bytes(damaged)
    with pytest.raises(StoreCorrupt, match="damaged line 1") as info:
        Store(seed_tables, path=path)
    assert "left untouched" in str(info.value)
    assert journal.read_bytes() == damaged


def test_replaying_the_journal_twice_changes_nothing(tmp_path: Path, seed_tables: Any) -> None:
    path = tmp_path / "db.json"
    store = Store(seed_tables, path=path)
    store.insert("pages", {"id": "page_a", "productId": "product_123", "filePath": "a"})
    store.update("pages", "page_a", {"title": "A2"})
    store.remove("pages", "page_123")
    once = stored_tables(path)
    journal = journal_of(path)
    journal.write_bytes(journal.read_bytes() * 2)
    assert stored_tables(path) == once
    assert "page_123" not in once["pages"] and once["pages"]["page_a"]["title"] == "A2"


def test_concurrent_commits_share_fsyncs_and_all_land(
        tmp_path: Path, seed_tables: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "db.json"
    store = Store(seed_tables, path=path)
    real, syncs = os.fdatasync, []

    def slow_sync(fd: int) -> None:
        syncs.append(fd)
        time.sleep(0.01)  # a disk: commits arriving meanwhile wait for the next one
        real(fd)

    monkeypatch.setattr(os, "fdatasync", slow_sync)

    def writer(n: int) -> None:
        for i in range(10):
            store.insert("pages", {"id": f"page_{n}_{i}", "productId": "product_123",
                                   "filePath": f"w{n}/{i}"})

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    on_disk = stored_tables(path)["pages"]
    assert all(f"page_{n}_{i}" in on_disk for n in range(8) for i in range(10))
    assert len(syncs) < 80, f"{len(syncs)} fsyncs for 80 commits: no group commit"


def test_the_journal_is_compacted_when_it_outgrows_the_document(
        tmp_path: Path, seed_tables: Any) -> None:
    path = tmp_path / "db.json"
    store = Store(seed_tables, path=path)
    document = path.stat().st_size
    big = "x" * 20_000
    rounds = document // 20_000 + 5
    for i in range(rounds):
        store.update("pages", "page_123", {"content": f"{i}:{big}"})
    assert journal_of(path).stat().st_size < document, "the journal was folded in"
    on_disk = json.loads(path.read_bytes())
    assert on_disk["_meta"]["tpc-mock"]["generation"] >= 2, "a new document was written"
    assert on_disk["pages"]["page_123"]["content"] != seed_tables["pages"]["page_123"]["content"]
    assert stored_tables(path)["pages"]["page_123"]["content"].startswith(f"{rounds - 1}:")


def test_a_crash_during_compaction_loses_nothing(
        tmp_path: Path, seed_tables: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "db.json"
    store = Store(seed_tables, path=path)
    store.update("pages", "page_123", {"title": "Before compaction"})

    def power_cut(*args: Any) -> None:
        raise OSError("power cut before the new document's rename")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError):
        store.compact()
    monkeypatch.undo()
    store.update("pages", "page_123", {"description": "after the failed compaction"})
    again = Store(seed_tables, path=path)  # old document + old journal + new journal
    page = again.get("pages", "page_123")
    assert (page["title"], page["description"]) == (
        "Before compaction", "after the failed compaction")
    assert not journal_of(path).with_name("db.json.journal.old").exists(), \
        "the start after a crash folds both journals into the document"


def test_a_reset_is_not_undone_by_journal_lines_a_crash_left(
        tmp_path: Path, seed_tables: Any) -> None:
    path = tmp_path / "db.json"
    store = Store(seed_tables, path=path)
    store.insert("pages", {"id": "page_gone", "productId": "product_123", "filePath": "g"})
    leftover = journal_of(path).read_bytes()
    store.reset()
    journal_of(path).write_bytes(leftover)  # a crash between the new document and the unlink
    assert Store(seed_tables, path=path).get("pages", "page_gone") is None


def test_a_journal_without_its_document_is_never_replayed(
        tmp_path: Path, seed_tables: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "db.json"
    store = Store(seed_tables, path=path)
    for _ in range(3):  # a few generations, so the journal's lines outrank a new document's
        store.reset()
    store.insert("pages", {"id": "page_old", "productId": "product_123", "filePath": "o"})
    path.unlink()  # the document is removed (as `serve --fresh` does); the journal stays
    real = os.replace

    def crash_after_rename(*args: Any) -> None:
        real(*args)
        raise KeyboardInterrupt("killed right after the new document's rename")

    monkeypatch.setattr(os, "replace", crash_after_rename)
    with pytest.raises(KeyboardInterrupt):
        Store(seed_tables, path=path)
    monkeypatch.undo()
    assert Store(seed_tables, path=path).get("pages", "page_old") is None


def test_stale_temp_files_are_removed_at_start(tmp_path: Path, seed_tables: Any) -> None:
    path = tmp_path / "db.json"
    Store(seed_tables, path=path).close()
    stale = tmp_path / ".db.json.abc123.tmp"
    stale.write_text("half a document")
    other = tmp_path / "notes.tmp"
    other.write_text("not ours")
    Store(seed_tables, path=path)
    assert not stale.exists() and other.exists()


KILLED_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from tpc_mock import storage
    from tpc_mock.seedfile import load_seed
    from tpc_mock.store import Store

    real = storage.atomic_write_json
    def slow_document_write(path, data):
        print("COMPACTING", flush=True)
        time.sleep(30)  # SIGKILL arrives here, in the middle of the compaction
        return real(path, data)

    store = Store(load_seed()["tables"], path=Path(sys.argv[1]))
    storage.atomic_write_json = slow_document_write
    storage.DataFile.wants_compaction = lambda self: self.journal_bytes > 2000
    n = 0
    while True:
        store.insert("pages", {"id": f"page_k{n}", "productId": "product_123",
                               "filePath": f"k/{n}", "title": "k"})
        print(f"ACK page_k{n}", flush=True)  # acknowledged: on disk
        n += 1
""")


def test_sigkill_during_compaction_loses_no_acknowledged_write(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    acknowledged = []
    with subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path)],
                          stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("ACK "):
                acknowledged.append(line.split()[1])
            if line.startswith("COMPACTING"):
                break
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert journal_of(path).with_name("db.json.journal.old").exists(), "killed mid-compaction"
    assert acknowledged, "the writer acknowledged writes before compacting"
    pages = Store(load_seed()["tables"], path=path).find("pages", "productId", "product_123")
    assert set(acknowledged) <= {page["id"] for page in pages}
