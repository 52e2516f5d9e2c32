"""The console's Data panel: every table of the store, a page at a time, secrets hidden."""

from __future__ import annotations

import math
import re
from itertools import islice
from typing import Any

import orjson

from ..store import Store

PAGE_SIZE = 25
HIDDEN = "(hidden)"
# Stored digests and secrets are never shown: an API key appears as its `start` only.
SECRET_FIELD = re.compile(r"hash|password|secret|token$|^key$|^code$", re.IGNORECASE)


def table_names(store: Store) -> list[str]:
    """The store's tables, sorted."""
    return store.tables()


def table_counts(store: Store) -> list[dict[str, Any]]:
    """`[{name, count}]` for every table."""
    return [{"name": name, "count": store.count(name)} for name in table_names(store)]


def redact(value: Any) -> Any:
    """A copy of a record (or a part of it) with secret fields replaced by HIDDEN."""
    if isinstance(value, dict):
        return {k: (HIDDEN if SECRET_FIELD.search(k) and v is not None else redact(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def _text(record: Any) -> str:
    return orjson.dumps(record).decode("utf-8").lower()


def _matches(record: dict[str, Any], needle: str) -> bool:
    """`needle` in the record as shown; the redacted copy is made only for a candidate."""
    return needle in _text(record) and needle in _text(redact(record))


def browse_table(store: Store, name: str, *, page: int, page_size: int,
                 text: str | None) -> dict[str, Any] | None:
    """One page of `name` (records redacted), filtered by case-insensitive `text`; None if
    there is no such table. Records are read by reference and copied only when shown."""
    if name not in table_names(store):
        return None
    records = store.all(name)  # a list of references, not of copies
    start = (page - 1) * page_size
    if text:
        needle = text.lower()
        matching = [r for r in records if _matches(r, needle)]
        total, shown = len(matching), matching[start:start + page_size]
    else:
        total, shown = len(records), list(islice(records, start, start + page_size))
    return {"name": name, "page": page, "pageSize": page_size, "total": total,
            "totalPages": math.ceil(total / page_size) if total else 0,
            "items": [redact(r) for r in shown]}
