"""JSON text for the data file, the journal and responses: orjson, with the stdlib behind it.

orjson is several times faster than `json` both ways, which is most of what start-up
and compaction cost at 100k pages. It refuses integers beyond 64 bits and, when reading,
NaN and Infinity; those rare documents go through `json` instead, so nothing that
loaded before stops loading.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON (orjson; the stdlib for what orjson refuses, such as huge ints)."""
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(raw: bytes | str) -> Any:
    """Parse JSON text; ValueError when it is not JSON."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return json.loads(text)  # NaN, Infinity, integers beyond 64 bits


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic GC off meanwhile (and back on after, if it was on).

    Parsing 100k pages makes some two million containers; the collector, triggered by
    their count, would walk them again and again (a third of the parse) though JSON
    cannot make a cycle.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def loads_document(raw: bytes) -> Any:
    """`loads` for a whole seed or data file, with the collector paused."""
    with collector_paused():
        return loads(raw)
