"""The store's secondary indexes: by value (hash) and in order (sorted), kept on every write.

A record goes in and out of every index of its table through `add`/`discard`, so an index
never needs a rebuild after a write, and a lookup or a page of an ordered list never
touches the rest of the table.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sortedcontainers import SortedList

Record = Mapping[str, Any]
Field = str | tuple[str, ...]


def index_key(doc: Record, spec: Field) -> Hashable | None:
    """The value `doc` is indexed under for `spec` (a field or a tuple of fields), or None."""
    if isinstance(spec, str):
        value = doc.get(spec)
        return None if value is None or isinstance(value, (dict, list)) else value
    parts = tuple(doc.get(name) for name in spec)
    return None if any(p is None or isinstance(p, (dict, list)) for p in parts) else parts


class HashIndex:
    """Field value -> ids of the records holding it."""

    def __init__(self, spec: Field) -> None:
        self.spec = spec
        self.buckets: dict[Hashable, set[str]] = {}

    def add(self, doc_id: str, doc: Record) -> None:
        key = index_key(doc, self.spec)
        if key is not None:
            self.buckets.setdefault(key, set()).add(doc_id)

    def discard(self, doc_id: str, doc: Record) -> None:
        key = index_key(doc, self.spec)
        bucket = self.buckets.get(key) if key is not None else None
        if bucket is not None:
            bucket.discard(doc_id)
            if not bucket:
                del self.buckets[key]

    def ids(self, value: Hashable) -> set[str]:
        return self.buckets.get(value, set())


@dataclass
class Ordering:
    """One partition's records in the order of one field.

    Records with the field set sort by (value, id); records without it follow, by id,
    in either direction (the order the API documents: missing values last).
    """

    present: SortedList = field(default_factory=SortedList)
    missing: SortedList = field(default_factory=SortedList)

    def __len__(self) -> int:
        return len(self.present) + len(self.missing)

    def ids(self, start: int, stop: int, descending: bool) -> list[str]:
        """The ids at positions [start, stop) of the order: O(log N + stop - start)."""
        found: list[str] = []
        for part, keyed in ((self.present, True), (self.missing, False)):
            size = len(part)
            if start < size and stop > 0:
                lo, hi = max(start, 0), min(stop, size)
                picked = (part[size - hi:size - lo][::-1] if descending else part[lo:hi])
                found += [item[1] for item in picked] if keyed else picked
            start, stop = start - size, stop - size
        return found

    def scan(self, descending: bool) -> Iterator[str]:
        """Every id in order, without copying the list."""
        present = reversed(self.present) if descending else iter(self.present)
        for _, doc_id in present:
            yield doc_id
        yield from (reversed(self.missing) if descending else iter(self.missing))


class OrderedIndex:
    """Per partition (e.g. a product's active pages), one Ordering per sort field."""

    def __init__(self, fields: tuple[str, ...],
                 partitions: Callable[[Record], Iterable[Hashable]]) -> None:
        self.fields = fields
        self.partitions = partitions
        self.orders: dict[tuple[Hashable, str], Ordering] = {}

    def add(self, doc_id: str, doc: Record) -> None:
        partitions = list(self.partitions(doc))
        for name in self.fields:
            value = doc.get(name)
            key = None if value is None else (value, doc_id)  # one tuple, every partition
            for partition in partitions:
                order = self.orders.setdefault((partition, name), Ordering())
                if key is None:
                    order.missing.add(doc_id)
                else:
                    order.present.add(key)

    def discard(self, doc_id: str, doc: Record) -> None:
        for partition in self.partitions(doc):
            for name in self.fields:
                order = self.orders.get((partition, name))
                if order is None:
                    continue
                value = doc.get(name)
                if value is None:
                    order.missing.discard(doc_id)
                else:
                    order.present.discard((value, doc_id))

    def bulk_load(self, docs: Mapping[str, Record]) -> None:
        """Build every Ordering from scratch in one sort (start-up, reset, restore)."""
        present: dict[tuple[Hashable, str], list[tuple[Any, str]]] = {}
        missing: dict[tuple[Hashable, str], list[str]] = {}
        for doc_id, doc in docs.items():
            partitions = list(self.partitions(doc))
            for name in self.fields:
                value = doc.get(name)
                key = None if value is None else (value, doc_id)
                for partition in partitions:
                    if key is None:
                        missing.setdefault((partition, name), []).append(doc_id)
                    else:
                        present.setdefault((partition, name), []).append(key)
        self.orders = {key: Ordering(SortedList(present.get(key, ())),
                                     SortedList(missing.get(key, ())))
                       for key in present.keys() | missing.keys()}

    def order(self, partition: Hashable, name: str) -> Ordering:
        if name not in self.fields:
            raise KeyError(f"not ordered by {name}")
        return self.orders.get((partition, name)) or Ordering()
