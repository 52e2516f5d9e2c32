"""The data file: memory-first TinyDB storage with atomic JSON writes.

The store keeps every table in memory; this layer writes them to disk as one JSON
document (temp file, fsync, rename, fsync the folder) and refuses, never wipes, a file
that is not a tpc-mock database.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

Tables = dict[str, dict[str, dict[str, Any]]]


class StoreCorrupt(Exception):
    """The data file exists but is not a tpc-mock database; it is left untouched."""


class MemoryFirstStorage(Storage):
    """Holds the data in memory; writes it to disk atomically when asked.

    `read()` hands TinyDB the live dictionary, so reads cost no parsing. While a
    transaction is open `write()` only marks the data dirty; the commit then
    writes the file once (temp file, fsync, rename).
    """

    def __init__(self, path: Path | None, data: Tables) -> None:
        self.path = path
        self.data = data
        self.deferred = False
        self.dirty = False

    def read(self) -> Tables:
        return self.data

    def write(self, data: Tables) -> None:
        self.data = data
        self.dirty = True
        if not self.deferred:
            self.flush()

    def flush(self) -> None:
        """Persist the data now if it changed."""
        if self.dirty and self.path is not None:
            atomic_write_json(self.path, self.data)
        self.dirty = False

    def close(self) -> None:
        self.flush()


def atomic_write_json(path: Path, data: Any) -> None:
    """Replace `path` with `data` as JSON: temp file, fsync, rename, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
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
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def load_data_file(path: Path) -> Tables:
    """Read a data file, refusing (never wiping) one that is not a tpc-mock database."""
    try:
        raw = path.read_text(encoding="utf-8")
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreCorrupt(
            f"data file {path} is corrupt ({exc}); it was left untouched. "
            "Move it away or pass another --data path to start from the seed."
        ) from exc
    if not isinstance(data, dict) or not all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    ):
        raise StoreCorrupt(
            f"data file {path} is not a tpc-mock database (expected an object of tables); "
            "it was left untouched. Move it away or pass another --data path."
        )
    return data
