"""TinyDB behind one lock: records by reference, kept indexes, a journaled data file.

The store knows nothing of Flask or HTTP. Every write and every read that walks an
index holds `lock` (waitress serves on threads and TinyDB is not thread-safe); `get` and
a `find_one` that one record answers do not: each is a dict lookup, atomic under the GIL,
of a record nobody changes, so they see it as before or after any write and never wait
for one. Documents are keyed by their string
`id`. A record is never changed in place: a write puts a new dict in the record's slot
(copy-on-write), so reads hand out the stored dicts themselves, and the seed, snapshots
and live tables share every record none of them changed. Callers must treat records
as read-only (the test suite runs with frozen records to prove it).

Lookups go through indexes kept current on every write: HASH_INDEXES by field value,
and ORDERED_INDEXES, which hold each partition of a table (a product's active pages,
say) in the order of a field, so one page of a long list costs O(log N + page size).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Table

from .indexes import Field, HashIndex, OrderedIndex, Ordering, Record
from .records import freeze, frozen_by_default
from .storage import Change, DataFile, MemoryStorage, Tables

# table -> fields (or tuples of fields) looked up by value on hot paths.
HASH_INDEXES: dict[str, tuple[Field, ...]] = {
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
# table -> (name, sort fields, group field, partitions of a record)
Partitions = Callable[[Record], Iterable[tuple[Hashable, ...]]]
ORDERED_INDEXES: dict[str, list[tuple[str, tuple[str, ...], str, Partitions]]] = {}


def declare_index(table: str, *fields: Field) -> None:
    """Let a resource module index its own table's lookup fields (call at import time)."""
    HASH_INDEXES[table] = tuple(dict.fromkeys(HASH_INDEXES.get(table, ()) + fields))


def declare_ordered_index(table: str, name: str, fields: tuple[str, ...], group: str,
                          partitions: Partitions) -> None:
    """Keep `table`'s records in the order of each of `fields`, per partition.

    Each partition key is a tuple starting with the record's `group` field, which gets
    a hash index: an ordering is built from its group's records on first use.
    """
    declare_index(table, group)
    entries = [e for e in ORDERED_INDEXES.get(table, []) if e[0] != name]
    ORDERED_INDEXES[table] = [*entries, (name, fields, group, partitions)]


class StrIdTable(Table):
    """A TinyDB table whose document ids are the records' own string ids.

    TinyDB's `_update_table` (4.x) copies the whole table into a new dict on every
    write; with string ids no conversion is needed, so this one lets the updater work
    on the live table dict (O(1) per write instead of O(N)).
    """

    document_id_class = str  # type: ignore[assignment]

    def _update_table(self, updater: Callable[[dict[Any, Any]], None]) -> None:
        tables = self._storage.read()
        assert tables is not None  # MemoryStorage always holds a dict
        updater(tables.setdefault(self.name, {}))
        self._storage.write(tables)
        self.clear_cache()


def _holds(doc: Mapping[str, Any], field: Field, value: Any) -> bool:
    """Whether `doc`'s indexed `field` (or tuple of fields) has `value`."""
    if isinstance(field, str):
        return bool(doc.get(field) == value)
    return tuple(doc.get(name) for name in field) == value


class Store:
    """The emulator's state: TinyDB tables plus indexes, guarded by one lock."""

    def __init__(self, seed_tables: Tables | Callable[[], Tables], path: Path | None = None, *,
                 frozen: bool | None = None) -> None:
        """`seed_tables`, or a function that reads them when a reset first needs them."""
        self.lock = threading.RLock()
        self.path = path
        self.frozen = frozen_by_default() if frozen is None else frozen
        self._seed_source = seed_tables
        self._seed_tables: Tables | None = None
        self._file = DataFile(path) if path is not None else None
        data, needs_rewrite = self._initial_data()
        self._storage = MemoryStorage(data)
        self._db = TinyDB(storage=lambda: self._storage)
        self._db.table_class = StrIdTable
        self._hash: dict[tuple[str, Field], HashIndex] = {}
        self._ordered: dict[tuple[str, str], OrderedIndex] = {}
        self._written: set[str] = set()
        self._undo: list[tuple[str, str, Record | None]] | None = None
        self._changes: dict[tuple[str, str], Record | None] = {}
        self._touched: set[tuple[str, str]] = set()
        # Goes up with every change of a record (touch aside), so answers cached at one
        # version are known stale at the next.
        self.version = 0
        for table in set(HASH_INDEXES) | set(ORDERED_INDEXES):
            self._build_indexes(table)
        if self._file is not None:
            self._written = set(data)  # a data file may differ anywhere (reset: every table)
            if needs_rewrite or not self._file.document_bytes:
                self._file.rewrite(data)
            else:
                self._file.open_journal()

    @property
    def _seed(self) -> Tables:
        """The seed's tables (read, never written: a reset copies from them)."""
        if self._seed_tables is None:
            source = self._seed_source
            tables = source() if callable(source) else source
            self._seed_tables = ({name: {i: freeze(d) for i, d in docs.items()}
                                  for name, docs in tables.items()} if self.frozen else tables)
            self._seed_source = {}
        return self._seed_tables

    def _initial_data(self) -> tuple[Tables, bool]:
        """The seed's tables (sharing its records), or the data file's."""
        if self._file is not None:
            self._file.remove_stale_temp_files()
        if self._file is None or not self._file.exists():
            if self._file is not None:
                self._file.drop_orphan_journals()
            return {name: dict(docs) for name, docs in self._seed.items()}, False
        data, needs_rewrite = self._file.load()
        if self.frozen:
            data = {name: {i: freeze(d) for i, d in docs.items()} for name, docs in data.items()}
        return data, needs_rewrite

    def _own(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        return freeze(dict(doc)) if self.frozen else dict(doc)  # type: ignore[no-any-return]

    # -- reads (records by reference: never change one) ---------------------
    def get(self, table: str, doc_id: str) -> dict[str, Any] | None:
        """One record by id, or None.

        Without the lock: two dict lookups are each atomic under the GIL, and a record is
        never changed in place, so this sees the record as it was before or after any
        write. (Taking the lock here made every read queue behind each write.)
        """
        return self._storage.data.get(table, {}).get(doc_id)

    def find(self, table: str, field: Field, value: Any) -> list[dict[str, Any]]:
        """Records whose indexed `field` (or tuple of fields) equals `value`, by id."""
        with self.lock:
            docs = self._storage.data.get(table, {})
            return [docs[i] for i in sorted(self._hash_index(table, field).ids(value)) if i in docs]

    def find_one(self, table: str, field: Field, value: Any) -> dict[str, Any] | None:
        """The first record whose indexed `field` equals `value`, or None."""
        index = self._hash.get((table, field))
        bucket = index.buckets.get(value) if index is not None else None
        if bucket.__class__ is str:  # one record holds it: as `get`, without the lock
            doc = self._storage.data.get(table, {}).get(bucket)  # type: ignore[arg-type]
            if doc is not None and _holds(doc, field, value):
                return doc
        with self.lock:
            ids = self._hash_index(table, field).ids(value)
            if len(ids) != 1:  # none, or several: the first by id
                found = self.find(table, field, value)
                return found[0] if found else None
            return self._storage.data.get(table, {}).get(next(iter(ids)))

    def ordered(self, table: str, name: str, partition: tuple[Hashable, ...], field: str, *,
                start: int, stop: int, descending: bool) -> tuple[int, list[dict[str, Any]]]:
        """(size of the partition, its records at [start, stop) in `field` order)."""
        with self.lock:
            order = self._order(table, name, partition, field)
            docs = self._storage.data.get(table, {})
            return len(order), [docs[i] for i in order.ids(start, stop, descending)]

    def scan_ordered(self, table: str, name: str, partition: tuple[Hashable, ...], field: str,
                     *, descending: bool, visit: Callable[[dict[str, Any]], bool | None]) -> None:
        """Call `visit` on the partition's records in order until it returns True."""
        with self.lock:
            order = self._order(table, name, partition, field)
            docs = self._storage.data.get(table, {})
            for doc_id in order.scan(descending):
                if visit(docs[doc_id]):
                    return

    def all(self, table: str) -> list[dict[str, Any]]:
        """Every record of a small table; never used for per-request lookups."""
        with self.lock:
            return list(self._storage.data.get(table, {}).values())

    def tables(self) -> list[str]:
        """The names of the tables that exist now, sorted."""
        with self.lock:
            return sorted(self._storage.data)

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
            return self._put(table, doc_id, self._own(doc))  # type: ignore[return-value]

    def update(self, table: str, doc_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """A new version of one record with `fields` changed; KeyError when it is missing."""
        with self.transaction():
            old = self._storage.data.get(table, {}).get(doc_id)
            if old is None:
                raise KeyError(f"{table}/{doc_id} missing")
            return self._put(table, doc_id, self._own({**old, **fields}))  # type: ignore[return-value]

    def remove(self, table: str, doc_id: str) -> None:
        """Delete one record if present."""
        with self.transaction():
            if doc_id in self._storage.data.get(table, {}):
                self._put(table, doc_id, None)

    def touch(self, table: str, doc_id: str, fields: Mapping[str, Any]) -> None:
        """Change non-indexed bookkeeping fields (like `lastRequest`) in memory only.

        They reach the disk with the next durable write or at close; losing one on
        a crash loses no acknowledged write.
        """
        with self.lock:
            docs = self._storage.data.get(table, {})
            if doc_id in docs:
                docs[doc_id] = self._own({**docs[doc_id], **fields})
                self._written.add(table)
                if self._file is not None:
                    self._touched.add((table, doc_id))

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group writes: one journal line on success, all undone on error.

        Every single write runs in one too, so a failed disk write never leaves memory
        ahead of the file. The commit is fsynced (with any other commits waiting)
        after the lock is let go, and before this returns.
        """
        with self.lock:
            if self._undo is not None:  # nested: the outer transaction decides
                yield self
                return
            self._undo, self._changes = [], {}
            try:
                yield self
                commit = self._append_commit()
            except BaseException:
                self._rollback()
                raise
            finally:
                self._undo, self._changes = None, {}
        if commit and self._file is not None:
            self._file.sync(commit)
            if self._file.wants_compaction():
                self.compact()

    def _append_commit(self) -> int:
        if self._file is None or not self._changes:
            return 0
        docs = self._storage.data
        for table, doc_id in self._touched:  # bookkeeping rides along with this commit
            self._changes.setdefault((table, doc_id), docs.get(table, {}).get(doc_id))
        changes: list[Change] = [(t, i, doc) for (t, i), doc in self._changes.items()]
        commit = self._file.append(changes)
        self._touched.clear()
        return commit

    def compact(self) -> None:
        """Fold the journal into a new document without holding the lock while it is written."""
        assert self._file is not None
        with self.lock:
            if not self._file.compacting.acquire(blocking=False):
                return  # another thread is compacting
            try:
                generation = self._file.begin_compaction()
                tables = {name: dict(docs) for name, docs in self._storage.data.items()}
            except BaseException:
                self._file.compacting.release()
                raise
        try:
            if generation is not None:
                self._file.finish_compaction(tables, generation)
        finally:
            self._file.compacting.release()

    # -- whole state ------------------------------------------------------
    def snapshot(self) -> Tables:
        """The whole state for `restore` (shares the records: they never change)."""
        with self.lock:
            return {name: dict(docs) for name, docs in self._storage.data.items()}

    def restore(self, tables: Tables) -> None:
        """Replace the whole state by a `snapshot` and persist it."""
        with self.lock:
            self._storage.data = {name: dict(docs) for name, docs in tables.items()}
            self._written = set(self._storage.data)  # reset: these, and seed tables it lacks
            self._after_replace(set(HASH_INDEXES) | set(ORDERED_INDEXES))

    def reset(self) -> None:
        """Back to the seed: only the tables written since the last reset, no file read."""
        with self.lock:
            data = self._storage.data
            self._written |= set(self._seed) - set(data)  # a table the data file lacks
            for table in self._written:
                if table in self._seed:
                    data[table] = dict(self._seed[table])
                else:
                    data.pop(table, None)
            written, self._written = self._written, set()
            self._after_replace(written)

    def _after_replace(self, tables: set[str]) -> None:
        self.version += 1
        self._db.clear_cache()
        self._touched.clear()
        for table in tables:
            self._build_indexes(table)
        if self._file is not None:
            self._file.rewrite(self._storage.data)

    def close(self) -> None:
        """Fold the journal and bookkeeping into the document (a clean shutdown)."""
        with self.lock:
            if self._file is not None:
                if self._touched or self._file.journal_bytes:
                    self._file.rewrite(self._storage.data)
                    self._touched.clear()
                self._file.close()

    # -- internals --------------------------------------------------------
    def _put(self, table: str, doc_id: str, doc: Record | None) -> Record | None:
        """The one place a record changes: indexes, undo log and journal follow it."""
        assert self._undo is not None, "writes run in a transaction"
        old = self._storage.data.get(table, {}).get(doc_id)
        self._written.add(table)
        self._undo.append((table, doc_id, old))
        self._changes[(table, doc_id)] = doc
        self._swap(table, doc_id, old, doc)
        return doc

    def _swap(self, table: str, doc_id: str, old: Record | None, new: Record | None) -> None:
        self.version += 1
        def apply(docs: dict[Any, Any]) -> None:
            if new is None:
                docs.pop(doc_id, None)
            else:
                docs[doc_id] = new

        indexes = self._indexes_of(table)
        if old is not None:
            for index in indexes:
                index.discard(doc_id, old)
        self._db.table(table)._update_table(apply)
        if new is not None:
            for index in indexes:
                index.add(doc_id, new)

    def _rollback(self) -> None:
        assert self._undo is not None
        for table, doc_id, before in reversed(self._undo):
            current = self._storage.data.get(table, {}).get(doc_id)
            self._swap(table, doc_id, current, before)
        self._db.clear_cache()

    def _order(self, table: str, name: str, partition: tuple[Hashable, ...],
               field: str) -> Ordering:
        index = self._ordered[(table, name)]
        docs = self._storage.data.get(table, {})

        def members(group: Hashable) -> Iterator[tuple[str, Record]]:
            for doc_id in self._hash_index(table, index.group).ids(group):
                yield doc_id, docs[doc_id]

        return index.order(partition, field, members)

    def _indexes_of(self, table: str) -> list[HashIndex | OrderedIndex]:
        found: list[HashIndex | OrderedIndex] = [
            index for f in HASH_INDEXES.get(table, ()) if (index := self._hash.get((table, f)))]
        found += [self._ordered[(table, e[0])] for e in ORDERED_INDEXES.get(table, [])]
        return found

    def _hash_index(self, table: str, spec: Field) -> HashIndex:
        """A declared hash index, built from the table the first time it is asked for."""
        index = self._hash.get((table, spec))
        if index is None:
            if spec not in HASH_INDEXES.get(table, ()):
                raise KeyError(f"{table}.{spec} is not indexed")
            index = HashIndex(spec)
            index.bulk_load(self._storage.data.get(table, {}))
            self._hash[(table, spec)] = index
        return index

    def _build_indexes(self, table: str) -> None:
        """Forget `table`'s indexes (start-up, reset, restore); each is built on first use."""
        for spec in HASH_INDEXES.get(table, ()):
            self._hash.pop((table, spec), None)
        for name, fields, group, partitions in ORDERED_INDEXES.get(table, []):
            self._ordered[(table, name)] = OrderedIndex(fields, group, partitions)
