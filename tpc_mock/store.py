"""TinyDB behind one lock: atomic file writes, secondary indexes, cheap reset.

The store knows nothing of Flask or HTTP. Every read and write holds `lock`
(waitress serves on threads and TinyDB is not thread-safe). Documents are keyed
by their string `id`, so lookups by id never scan a table; the fields named in
INDEXES get secondary indexes for the same reason.
"""

from __future__ import annotations

import copy
import pickle
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from .storage import MemoryFirstStorage, Tables, load_data_file

# table -> fields looked up by value on hot paths.
INDEXES: dict[str, tuple[str, ...]] = {
    "organizations": ("slug",),
    "pages": ("productId",),
    "products": ("organizationId",),
    "domains": ("productId",),
    "members": ("userId", "organizationId"),
    "users": ("email",),
    "apiKeys": ("hash", "organizationId"),
    "sessions": ("tokenHash", "userId"),
    "deviceCodes": ("deviceCodeHash", "userCode"),
}


def declare_index(table: str, *fields: str) -> None:
    """Let a resource module index its own table's lookup fields (call at import time)."""
    INDEXES[table] = tuple(dict.fromkeys(INDEXES.get(table, ()) + fields))


class StrIdTable(Table):
    """A TinyDB table whose document ids are the records' own string ids."""

    document_id_class = str  # type: ignore[assignment]


class Store:
    """The emulator's state: TinyDB tables plus indexes, guarded by one lock."""

    def __init__(self, seed_tables: Tables, path: Path | None = None) -> None:
        self.lock = threading.RLock()
        self.path = path
        self._seed_blob = pickle.dumps(seed_tables, protocol=pickle.HIGHEST_PROTOCOL)
        # Per table, so a reset re-creates only the tables written since the last one.
        self._seed_tables = {name: pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL)
                             for name, docs in seed_tables.items()}
        self._written: set[str] = set()
        if path is not None and path.exists():
            data = load_data_file(path)
        else:
            data = pickle.loads(self._seed_blob)
        self._storage = MemoryFirstStorage(path, data)
        self._db = TinyDB(storage=lambda: self._storage)
        self._db.table_class = StrIdTable
        self._index: dict[tuple[str, str], dict[Any, set[str]]] = {}
        self._undo: list[tuple[str, str, dict[str, Any] | None]] | None = None
        self._rebuild_indexes()
        if path is not None and path.exists():
            self._written = set(data) | set(seed_tables)  # a data file may differ anywhere
        if path is not None and not path.exists():
            self._storage.dirty = True
            self._storage.flush()

    # -- reads ------------------------------------------------------------
    def get(self, table: str, doc_id: str) -> dict[str, Any] | None:
        """One record by id (a copy), or None."""
        with self.lock:
            doc = self._storage.data.get(table, {}).get(doc_id)
            return copy.deepcopy(doc) if doc is not None else None

    def find(self, table: str, field: str, value: Any) -> list[dict[str, Any]]:
        """Records whose indexed `field` equals `value` (copies)."""
        with self.lock:
            ids = self._index[(table, field)].get(value, ())
            docs = self._storage.data.get(table, {})
            return [copy.deepcopy(docs[i]) for i in sorted(ids) if i in docs]

    def find_one(self, table: str, field: str, value: Any) -> dict[str, Any] | None:
        """The first record whose indexed `field` equals `value`, or None."""
        found = self.find(table, field, value)
        return found[0] if found else None

    def all(self, table: str) -> list[dict[str, Any]]:
        """Every record of a small table (copies); never used for per-request lookups."""
        with self.lock:
            return [copy.deepcopy(doc) for doc in self._storage.data.get(table, {}).values()]

    def count(self, table: str) -> int:
        with self.lock:
            return len(self._storage.data.get(table, {}))

    # -- writes -----------------------------------------------------------
    def insert(self, table: str, doc: Mapping[str, Any]) -> dict[str, Any]:
        """Add a record keyed by its `id`; raises KeyError when the id exists."""
        with self.transaction():
            doc_id = str(doc["id"])
            if doc_id in self._storage.data.get(table, {}):
                raise KeyError(f"{table}/{doc_id} exists")
            self._remember(table, doc_id)
            self._db.table(table).insert(Document(copy.deepcopy(dict(doc)), doc_id))  # type: ignore[arg-type]
            self._index_doc(table, doc_id, add=True)
            return copy.deepcopy(dict(doc))

    def update(self, table: str, doc_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Change fields of one record; raises KeyError when it is missing."""
        with self.transaction():
            if doc_id not in self._storage.data.get(table, {}):
                raise KeyError(f"{table}/{doc_id} missing")
            self._remember(table, doc_id)
            self._index_doc(table, doc_id, add=False)
            self._db.table(table).update(copy.deepcopy(dict(fields)), doc_ids=[doc_id])  # type: ignore[list-item]
            self._index_doc(table, doc_id, add=True)
            return copy.deepcopy(self._storage.data[table][doc_id])

    def remove(self, table: str, doc_id: str) -> None:
        """Delete one record if present."""
        with self.transaction():
            if doc_id not in self._storage.data.get(table, {}):
                return
            self._remember(table, doc_id)
            self._index_doc(table, doc_id, add=False)
            self._db.table(table).remove(doc_ids=[doc_id])  # type: ignore[list-item]

    def touch(self, table: str, doc_id: str, fields: Mapping[str, Any]) -> None:
        """Change non-indexed bookkeeping fields (like `lastRequest`) in memory only.

        They reach the disk with the next durable write or at close; losing one on
        a crash loses no acknowledged write.
        """
        with self.lock:
            doc = self._storage.data.get(table, {}).get(doc_id)
            if doc is not None:
                self._written.add(table)
                doc.update(fields)

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group writes: one atomic file write on success, all undone on error.

        Every single write runs in one too, so a failed disk write never leaves memory
        ahead of the file.
        """
        with self.lock:
            if self._undo is not None:  # nested: the outer transaction decides
                yield self
                return
            self._undo = []
            self._storage.deferred = True
            try:
                yield self
                self._storage.flush()
            except BaseException:
                self._rollback()
                raise
            finally:
                self._undo = None
                self._storage.deferred = False

    # -- whole state ------------------------------------------------------
    def snapshot(self) -> bytes:
        """The whole state as an opaque blob for `restore`."""
        with self.lock:
            return pickle.dumps(self._storage.data, protocol=pickle.HIGHEST_PROTOCOL)

    def restore(self, blob: bytes) -> None:
        """Replace the whole state by a `snapshot` (or the seed) and persist it."""
        with self.lock:
            self._storage.data = pickle.loads(blob)
            self._written = set(self._storage.data) | set(self._seed_tables)
            self._db.clear_cache()
            self._rebuild_indexes()
            self._storage.dirty = True
            self._storage.flush()

    def reset(self) -> None:
        """Back to the seed: only the tables written since the last reset, no file read."""
        with self.lock:
            data = self._storage.data
            for table in self._written:
                blob = self._seed_tables.get(table)
                if blob is None:
                    data.pop(table, None)
                else:
                    data[table] = pickle.loads(blob)
                self._rebuild_table_indexes(table)
            self._written.clear()
            self._db.clear_cache()
            self._storage.dirty = True
            self._storage.flush()

    def close(self) -> None:
        with self.lock:
            self._storage.dirty = True
            self._storage.flush()

    # -- internals --------------------------------------------------------
    def _remember(self, table: str, doc_id: str) -> None:
        self._written.add(table)  # every insert, update and remove passes here
        if self._undo is not None:
            before = self._storage.data.get(table, {}).get(doc_id)
            self._undo.append((table, doc_id, copy.deepcopy(before)))

    def _rollback(self) -> None:
        assert self._undo is not None
        for table, doc_id, before in reversed(self._undo):
            docs = self._storage.data.setdefault(table, {})
            if before is None:
                docs.pop(doc_id, None)
            else:
                docs[doc_id] = before
        self._storage.dirty = False
        self._db.clear_cache()
        self._rebuild_indexes()

    def _rebuild_indexes(self) -> None:
        self._index = {(t, f): {} for t, fields in INDEXES.items() for f in fields}
        for table in INDEXES:
            for doc_id in self._storage.data.get(table, {}):
                self._index_doc(table, doc_id, add=True)

    def _rebuild_table_indexes(self, table: str) -> None:
        for field in INDEXES.get(table, ()):
            self._index[(table, field)] = {}
        for doc_id in self._storage.data.get(table, {}):
            self._index_doc(table, doc_id, add=True)

    def _index_doc(self, table: str, doc_id: str, *, add: bool) -> None:
        doc = self._storage.data.get(table, {}).get(doc_id)
        if doc is None:
            return
        for field in INDEXES.get(table, ()):
            value = doc.get(field)
            if value is None or isinstance(value, (dict, list)):
                continue
            bucket = self._index[(table, field)]
            if add:
                bucket.setdefault(value, set()).add(doc_id)
            else:
                bucket.get(value, set()).discard(doc_id)
