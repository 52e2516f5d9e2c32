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
    """Field value -> ids of the records holding it.

    A value held by one record maps to that id alone (most paths, hashes and emails are
    unique); a set is made only for a value that two records share. At 100k pages that
    saves a set per page in the path index.
    """

    def __init__(self, spec: Field) -> None:
        self.spec = spec
        self.buckets: dict[Hashable, str | set[str]] = {}

    def add(self, doc_id: str, doc: Record) -> None:
        key = index_key(doc, self.spec)
        if key is not None:
            self._add(self.buckets, key, doc_id)

    @staticmethod
    def _add(buckets: dict[Hashable, str | set[str]], key: Hashable, doc_id: str) -> None:
        bucket = buckets.get(key)
        if bucket is None:
            buckets[key] = doc_id
        elif isinstance(bucket, str):
            if bucket != doc_id:
                buckets[key] = {bucket, doc_id}
        else:
            bucket.add(doc_id)

    def discard(self, doc_id: str, doc: Record) -> None:
        key = index_key(doc, self.spec)
        bucket = self.buckets.get(key) if key is not None else None
        if bucket is None:
            return
        if isinstance(bucket, str):
            if bucket == doc_id:
                del self.buckets[key]
            return
        bucket.discard(doc_id)
        if len(bucket) == 1:
            self.buckets[key] = next(iter(bucket))

    def ids(self, value: Hashable) -> set[str] | tuple[str, ...]:
        bucket = self.buckets.get(value)
        if bucket is None:
            return ()
        return (bucket,) if isinstance(bucket, str) else bucket

    def bulk_load(self, docs: Mapping[str, Record]) -> None:
        """Index every record at once (start-up, reset, restore)."""
        buckets: dict[Hashable, str | set[str]] = {}
        spec, add = self.spec, self._add
        if isinstance(spec, str):
            for doc_id, doc in docs.items():
                value = doc.get(spec)
                if value is not None and value.__class__ not in (dict, list):
                    add(buckets, value, doc_id)
        else:
            for doc_id, doc in docs.items():
                key = tuple(map(doc.get, spec))
                if None not in key:
                    try:
                        add(buckets, key, doc_id)
                    except TypeError:  # a dict or list value: not indexed (as in index_key)
                        continue
        self.buckets = buckets


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
    """Per partition (e.g. a product's active pages), one Ordering per sort field.

    Every partition key is a tuple whose first item is the record's `group` field (a
    hash-indexed field, such as `productId`). An Ordering is built on first use from
    that group's records only, then kept current by every write; so start-up and reset
    cost nothing here, and a group nobody lists never gets sorted.
    """

    def __init__(self, fields: tuple[str, ...], group: str,
                 partitions: Callable[[Record], Iterable[tuple[Hashable, ...]]]) -> None:
        self.fields = fields
        self.group = group
        self.partitions = partitions
        self.orders: dict[tuple[Hashable, str], Ordering] = {}

    def add(self, doc_id: str, doc: Record) -> None:
        self._apply(doc_id, doc, adding=True)

    def discard(self, doc_id: str, doc: Record) -> None:
        self._apply(doc_id, doc, adding=False)

    def _apply(self, doc_id: str, doc: Record, *, adding: bool) -> None:
        if not self.orders:
            return
        for partition in self.partitions(doc):
            for name in self.fields:
                order = self.orders.get((partition, name))
                if order is None:
                    continue  # not built yet: it will be built from the records as they are
                value = doc.get(name)
                target, item = ((order.missing, doc_id) if value is None
                                else (order.present, (value, doc_id)))
                if adding:
                    target.add(item)
                else:
                    target.discard(item)

    def clear(self) -> None:
        self.orders = {}

    def order(self, partition: tuple[Hashable, ...], name: str,
              members: Callable[[Hashable], Iterable[tuple[str, Record]]]) -> Ordering:
        """The Ordering of `partition` by `name`, built from `members(group value)` if new."""
        if name not in self.fields:
            raise KeyError(f"not ordered by {name}")
        order = self.orders.get((partition, name))
        if order is None:
            present, missing = [], []
            for doc_id, doc in members(partition[0]):
                if partition in self.partitions(doc):
                    value = doc.get(name)
                    if value is None:
                        missing.append(doc_id)
                    else:
                        present.append((value, doc_id))
            order = self.orders[(partition, name)] = Ordering(SortedList(present),
                                                              SortedList(missing))
        return order
