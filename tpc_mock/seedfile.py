"""Reading seed files: the whole document, the part a data-file server needs, and large
tables a few thousand records at a time.

`write_seed` (seeding.py) lays a seed out as `json.dumps(indent=1)` does: a member of the
top-level object starts a line with one space and a quote, a table with two, a record of
a table with three, and no JSON string holds a raw newline. That layout lets a reader cut
members out and parse them alone; any other layout, or any doubt, is parsed whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from . import jsontext
from .records import ValueSharer, share_repeated_values

LARGE_TABLE = 8 * 1024 * 1024  # bytes of a table read a batch of records at a time
BATCH = 2000  # records parsed at once from a large table
RECORD_START = re.compile(rb'\n   "')  # a record of a table, in the written layout


class SeedError(ValueError):
    """A seed file that cannot be used."""


def default_seed_path() -> Path:
    """The committed seed: inside an installed wheel, else the repository's `seed/`."""
    packaged = resources.files("tpc_mock").joinpath("_seed/default.json")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "seed" / "default.json"


_PARSED: dict[tuple[str, int, int], dict[str, Any]] = {}
# The seed tables the control API's fixtures and the dev credentials refer to.
SUMMARY_TABLES = ("organizations", "products", "users", "members", "apiKeys", "sessions")


def load_seed(path: Path | None = None, *, cache: bool = True) -> dict[str, Any]:
    """Read and check a seed file; with `cache`, parsed once per file version and shared.

    Shared seeds are read-only: the store shares their records and never changes them.
    A server on a data file passes cache=False, so a 100k-page seed is not kept alive.
    """
    path = path or default_seed_path()
    try:
        stat = path.stat()
        version = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        if version in _PARSED:
            return _PARSED[version]
        seed = parse_seed(path.read_bytes())
    except FileNotFoundError as exc:
        raise SeedError(f"seed file {path} does not exist") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise SeedError(f"seed file {path} is not valid JSON: {exc}") from exc
    if not isinstance(seed, dict) or not isinstance(seed.get("tables"), dict):
        raise SeedError(f"seed file {path} has no 'tables' object")
    seed.setdefault("credentials", {})
    if cache:
        _PARSED[version] = seed
    return seed


def seed_summary(seed: dict[str, Any]) -> dict[str, Any]:
    """The part of a seed the fixtures need: its credentials and SUMMARY_TABLES."""
    return {"credentials": seed["credentials"],
            "tables": {name: seed["tables"].get(name, {}) for name in SUMMARY_TABLES}}


def read_seed_summary(path: Path | None = None) -> dict[str, Any]:
    """`seed_summary` of a seed file without parsing its other tables (100k pages: 0.7 s).

    A server on an existing data file needs only the seed's credentials and small tables,
    which the written layout lets it cut out; any other layout is read whole.
    """
    path = path or default_seed_path()
    try:
        raw = path.read_bytes()
        top, tables = _layout(raw)
        if "tables" in top and "credentials" in top:
            credentials = jsontext.loads(raw[slice(*top["credentials"])])
            found = {name: jsontext.loads(raw[slice(*tables[name])]) if name in tables else {}
                     for name in SUMMARY_TABLES}
            if isinstance(credentials, dict) and all(isinstance(t, dict) for t in found.values()):
                return {"credentials": credentials, "tables": found}
    except (OSError, ValueError):
        pass
    return seed_summary(load_seed(path, cache=False))


def _layout(raw: bytes) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """Where the document's members and its tables' values lie, in the written layout
    (both empty for another layout)."""
    top = _members(raw, 0, len(raw), 1)
    return top, _members(raw, *top["tables"], 2) if "tables" in top else {}


def _members(raw: bytes, start: int, stop: int, indent: int) -> dict[str, tuple[int, int]]:
    """Where each member value of the object in raw[start:stop] lies, for members whose
    key starts a line indented by `indent` spaces (the layout of `json.dumps(indent=1)`)."""
    pattern = re.compile(rb'\n' + b" " * indent + rb'"((?:[^"\\\n])*)": ')
    found = list(pattern.finditer(raw, start, stop))
    spans: dict[str, tuple[int, int]] = {}
    for here, after in zip(found, [*found[1:], None]):
        end = after.start() if after else raw.rindex(b"\n" + b" " * (indent - 1) + b"}", start, stop)
        value_end = raw.rindex(b",", here.end(), end) if after else end
        spans[here.group(1).decode()] = (here.end(), value_end)
    return spans


def parse_seed(raw: bytes) -> Any:
    """The seed document, its large tables' repeated values shared (`ValueSharer`).

    Parsed whole, 100k pages make 100k copies of every repeated value before they can be
    shared, and the memory they held stays with the process as holes (40 MB). So in the
    written layout a large table is parsed a batch of records at a time, each shared
    before the next is read; the collector is paused meanwhile (JSON makes no cycles).
    """
    with jsontext.collector_paused():
        try:
            seed = _parse_in_batches(raw)
        except ValueError:
            seed = None
        if seed is None:
            seed = jsontext.loads(raw)
            if isinstance(seed, dict) and isinstance(seed.get("tables"), dict) and all(
                    isinstance(docs, dict) for docs in seed["tables"].values()):
                share_repeated_values(seed["tables"])
        return seed


def _parse_in_batches(raw: bytes) -> Any:
    """The document with each large table read in batches, or None for another layout."""
    _, tables = _layout(raw)
    large = sorted(span for span in tables.values() if span[1] - span[0] > LARGE_TABLE)
    if not large:
        return None
    rest, cut = [], 0
    for start, stop in large:  # the document with `{}` for each large table
        rest += [raw[cut:start], b"{}"]
        cut = stop
    seed = jsontext.loads(b"".join([*rest, raw[cut:]]))
    if not isinstance(seed, dict) or not isinstance(seed.get("tables"), dict):
        return None
    names = {span: name for name, span in tables.items()}
    for span in large:
        docs: dict[str, Any] = {}
        sharer = ValueSharer()
        for batch, count in _record_batches(raw, *span):
            part = jsontext.loads(batch)
            if (not isinstance(part, dict) or len(part) != count
                    or not all(isinstance(d, dict) for d in part.values())):
                raise ValueError("a batch is not its records, each an object")
            sharer.share(part)
            docs.update(part)
        seed["tables"][names[span]] = docs
    return seed


def _record_batches(raw: bytes, start: int, stop: int) -> Iterator[tuple[bytes, int]]:
    """(`{...}` text, how many records) of BATCH records each, from the table object
    raw[start:stop]; everything between its braces is in exactly one batch."""
    if raw[start:start + 1] != b"{" or raw[stop - 1:stop] != b"}":
        raise ValueError("not a table object")
    starts = [m.start() + 1 for m in RECORD_START.finditer(raw, start, stop)]
    if raw[start + 1:starts[0] if starts else stop - 1].strip():
        raise ValueError("text before the first record")
    for at in range(0, len(starts), BATCH):
        end = starts[at + BATCH] if at + BATCH < len(starts) else stop - 1
        yield (b"{" + raw[starts[at]:end].rstrip().rstrip(b",") + b"}",
               min(BATCH, len(starts) - at))
