"""The data file: TinyDB's JSON document plus an append-only journal beside it.

`db.json` stays TinyDB's document (one object of tables), readable and editable by
hand. A durable write does not rewrite it: each commit appends one line to
`db.json.journal` holding the after-images of the records it changed, and is
acknowledged once that line is fsynced. Commits that arrive together share one fsync
(group commit). When the journal outgrows the document, and at reset, restore and a
clean shutdown, the journal is compacted into a new document (temp file, fsync,
rename). Loading replays the journal over the document; a torn last line (a crash in
the middle of an append) is ignored, and replaying a line twice changes nothing.

Every document carries a generation (its `_meta` table) and every journal line the
generation it was written under; loading applies only lines of the document's
generation or later. So a reset or restore, which writes a new document, never has a
crash bring back the writes it discarded, and a crash in the middle of a compaction
loses nothing either: the old document plus both journals still hold every commit.
A file that is not a tpc-mock database is refused, never wiped.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from . import jsontext
from .records import share_repeated_values

Tables = dict[str, dict[str, dict[str, Any]]]
Change = tuple[str, str, Any]  # (table, id, record or None when removed)
META = "_meta"  # the document's own table: {"tpc-mock": {"format": 1, "generation": G}}
FORMAT = 1


class StoreCorrupt(Exception):
    """The data file exists but is not a tpc-mock database; it is left untouched."""


class MemoryStorage(Storage):
    """TinyDB's view of the tables: the live dictionary, never parsed or copied."""

    def __init__(self, data: Tables) -> None:
        self.data = data

    def read(self) -> Tables:
        return self.data

    def write(self, data: Tables) -> None:
        self.data = data


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_json(path: Path, data: Any) -> int:
    """Replace `path` with `data` as JSON: temp file, fsync, rename, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = jsontext.dumps(data)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)
    return len(text)


def _refuse(path: Path, why: str) -> StoreCorrupt:
    return StoreCorrupt(f"data file {path} {why}; it was left untouched. "
                        "Move it away or pass another --data path to start from the seed.")


def load_data_file(path: Path) -> Tables:
    """Read a data document, refusing (never wiping) one that is not a tpc-mock database."""
    try:
        data = jsontext.loads_document(path.read_bytes())
    except (UnicodeDecodeError, ValueError) as exc:
        raise _refuse(path, f"is corrupt ({exc})") from exc
    if not isinstance(data, dict) or not all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    ):
        raise _refuse(path, "is not a tpc-mock database (expected an object of tables)")
    share_repeated_values(data)
    return data


# Every table an older tpc-mock file (format 0, before the `_meta` marker) holds.
FORMAT_0_TABLES = ("organizations", "users", "members", "products", "apiKeys", "sessions")


def read_marker(path: Path, data: Tables) -> tuple[int, bool]:
    """Take the `_meta` marker out of `data`: (generation, True for an older file).

    A document without the marker is an older tpc-mock file only when it holds that
    version's tables; anything else (`{}`, another TinyDB database) is refused.
    """
    if META not in data:
        if not all(name in data for name in FORMAT_0_TABLES):
            raise _refuse(path, "is not a tpc-mock database (no `_meta` marker, and not the "
                          "tables of an older tpc-mock)")
        return 0, True
    meta = data.pop(META).get("tpc-mock")
    if not isinstance(meta, dict):
        raise _refuse(path, "is not a tpc-mock database (its `_meta` table has no `tpc-mock` "
                      "record)")
    version, generation = meta.get("format"), meta.get("generation")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT:
        raise _refuse(path, f"was written by a newer tpc-mock (data format {version}; this "
                      f"one reads {FORMAT}); upgrade tpc-mock")
    if version != FORMAT or not isinstance(generation, int) or isinstance(generation, bool):
        raise _refuse(path, f"has an unknown format ({meta!r})")
    return generation, False


def replay_journal(path: Path, data: Tables, generation: int) -> int:
    """Apply a journal's commits of `generation` or later to `data`; the bytes of whole
    lines read (anything after them is a torn append).

    A last line that is torn (no newline) or unreadable is ignored: its commit was never
    acknowledged. An unreadable line followed by good ones means the file was damaged,
    and it is refused.
    """
    try:
        lines = path.read_bytes().split(b"\n")
    except FileNotFoundError:
        return 0
    good = 0
    for number, line in enumerate(lines[:-1], start=1):  # lines[-1]: after the last newline
        try:
            commit = jsontext.loads(line)
            if commit["g"] < generation:
                good += len(line) + 1
                continue
            for table, doc_id, doc in commit["c"]:
                if doc is None:
                    data.get(table, {}).pop(doc_id, None)
                elif isinstance(doc, dict):
                    data.setdefault(table, {})[doc_id] = doc
                else:
                    raise ValueError("a record is not an object")
        except (ValueError, TypeError, KeyError) as exc:
            if number == len(lines) - 1:  # the last whole line: a torn append
                break
            raise _refuse(path, f"has a damaged line {number} ({exc})") from exc
        good += len(line) + 1
    return good


class DataFile:
    """The document and its journal: load, append with group commit, compact."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.journal_path = path.with_name(path.name + ".journal")
        self.old_journal_path = path.with_name(path.name + ".journal.old")
        self.generation = 0
        self.document_bytes = 0
        self.journal_bytes = 0
        self._fd: int | None = None
        self._written = 0  # commits appended
        self._synced = 0  # commits known to be on disk
        self._syncing = False
        self._sync = threading.Condition()
        self.compacting = threading.Lock()

    def exists(self) -> bool:
        return self.path.exists()

    def drop_orphan_journals(self) -> None:
        """Journals without their document (it was removed, e.g. `--fresh`) go before a new
        document is written, so no crash in between can replay them onto it."""
        for journal in (self.journal_path, self.old_journal_path):
            journal.unlink(missing_ok=True)

    def remove_stale_temp_files(self) -> None:
        """Temp files of a write that a crash interrupted (never the document itself)."""
        folder = self.path.parent
        if folder.is_dir():
            for stale in folder.glob(f".{self.path.name}.*.tmp"):
                stale.unlink(missing_ok=True)

    def load(self) -> tuple[Tables, bool]:
        """The document with its journals replayed; True when it should be rewritten.

        That is after a crash in the middle of a compaction (an old journal is left), or
        for an older tpc-mock file (format 0, without the `_meta` marker): rewriting it
        adds the marker. A journal alone is kept and appended to (`open_journal` cuts a
        torn last line).
        """
        data = load_data_file(self.path)
        generation, migrate = read_marker(self.path, data)
        self.generation = generation
        self.document_bytes = self.path.stat().st_size
        old = self.old_journal_path.exists()
        if old:
            replay_journal(self.old_journal_path, data, generation)
        self.journal_bytes = replay_journal(self.journal_path, data, generation)
        return data, old or migrate

    def open_journal(self) -> None:
        """Cut what follows the journal's last whole line (a torn append) before appending."""
        if self.journal_path.exists() and self.journal_path.stat().st_size > self.journal_bytes:
            os.truncate(self.journal_path, self.journal_bytes)
            self._fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND)
            os.fsync(self._fd)

    # -- commits --------------------------------------------------------------
    def append(self, changes: list[Change]) -> int:
        """Write one commit line (not yet fsynced); returns its number for `sync`.

        The caller holds the store's lock, so lines land in commit order.
        """
        line = jsontext.dumps({"g": self.generation, "c": changes}) + b"\n"
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.journal_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            _fsync_dir(self.path.parent)
        view = memoryview(line)
        while view:
            view = view[os.write(self._fd, view):]
        self.journal_bytes += len(line)
        self._written += 1
        return self._written

    def sync(self, commit: int) -> None:
        """Return once commit number `commit` is on disk; one fsync serves every waiter."""
        with self._sync:
            while self._synced < commit:
                if self._syncing:
                    self._sync.wait()
                    continue
                self._syncing, target, fd = True, self._written, self._fd
                self._sync.release()
                try:
                    if fd is not None:
                        os.fdatasync(fd)
                finally:
                    self._sync.acquire()
                    self._syncing = False
                    self._sync.notify_all()
                self._synced = max(self._synced, target)

    def _close_journal(self) -> None:
        """Flush and close the journal (store lock held): later commits open a new one."""
        with self._sync:
            while self._syncing:
                self._sync.wait()
            if self._fd is not None:
                os.fdatasync(self._fd)
                os.close(self._fd)
                self._fd = None
            self._synced = self._written

    # -- compaction -------------------------------------------------------------
    def wants_compaction(self) -> bool:
        return self.journal_bytes > max(self.document_bytes, 64 * 1024)

    def begin_compaction(self) -> int | None:
        """Set the journal aside (store lock and `compacting` held); the new generation.

        None when an earlier compaction's old journal is still there (its document
        write failed): the next rewrite takes care of it.
        """
        if self.old_journal_path.exists():
            return None
        self._close_journal()
        if self.journal_path.exists():
            os.replace(self.journal_path, self.old_journal_path)
        self.generation += 1
        self.journal_bytes = 0
        return self.generation

    def finish_compaction(self, tables: Mapping[str, Any], generation: int) -> None:
        """Write the document of `generation` (no store lock), then drop the old journal."""
        self._write_document(tables, generation)
        self.old_journal_path.unlink(missing_ok=True)
        _fsync_dir(self.path.parent)

    def rewrite(self, tables: Mapping[str, Any]) -> None:
        """The document becomes `tables` and the journals go (store lock held).

        Reset, restore, a clean shutdown and a start after a crash end here. The new
        generation makes any journal line a crash leaves behind obsolete.
        """
        with self.compacting:  # a compaction writing an older snapshot finishes first
            self._close_journal()
            self.generation += 1
            self._write_document(tables, self.generation)
            self.journal_path.unlink(missing_ok=True)
            self.old_journal_path.unlink(missing_ok=True)
            _fsync_dir(self.path.parent)
            self.journal_bytes = 0

    def _write_document(self, tables: Mapping[str, Any], generation: int) -> None:
        meta = {"tpc-mock": {"format": FORMAT, "generation": generation}}
        self.document_bytes = atomic_write_json(self.path, {META: meta, **tables})

    def close(self) -> None:
        self._close_journal()


def read_data(path: Path) -> Tables:
    """What a data file holds: its document with the journals replayed (read-only)."""
    return DataFile(path).load()[0]
