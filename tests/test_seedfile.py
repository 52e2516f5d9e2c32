"""seedfile: a seed read in batches is the seed read whole, with repeated values shared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tpc_mock import seedfile
from tpc_mock.seeding import generate_seed, write_seed


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "seed.json"
    write_seed(generate_seed(pages=300), path)
    return path


def _batched(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make every table 'large' and batches small; count the batches parsed."""
    monkeypatch.setattr(seedfile, "LARGE_TABLE", 0)
    monkeypatch.setattr(seedfile, "BATCH", 7)
    batches: list[int] = []
    real = seedfile._record_batches

    def counted(*args: Any) -> Any:
        for batch in real(*args):
            batches.append(batch[1])
            yield batch

    monkeypatch.setattr(seedfile, "_record_batches", counted)
    return batches


def test_a_seed_read_in_batches_is_the_seed_read_whole(
        written: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = written.read_bytes()
    whole = json.loads(raw)
    batches = _batched(monkeypatch)
    read = seedfile.parse_seed(raw)
    assert len(batches) > 300 // 7, "the pages were read in batches"
    assert read == whole
    assert list(read["tables"]) == list(whole["tables"])
    assert list(read["tables"]["pages"]) == list(whole["tables"]["pages"])  # record order


def test_repeated_values_are_shared_across_batches(
        written: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _batched(monkeypatch)
    monkeypatch.setattr(seedfile, "share_repeated_values", lambda tables: None)
    pages = list(seedfile.parse_seed(written.read_bytes())["tables"]["pages"].values())
    assert len(pages) >= 300
    assert len({id(p["status"]) for p in pages}) <= 2  # published, draft: one object each
    assert len({id(p["organizationId"]) for p in pages}) == len({p["organizationId"] for p in pages})


def test_another_layout_is_read_whole(
        written: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batches = _batched(monkeypatch)
    compact = json.dumps(json.loads(written.read_bytes())).encode()
    assert seedfile.parse_seed(compact) == json.loads(compact)
    assert batches == []
    broken = written.read_bytes().replace(b'\n   "page_', b'\n   ,"page_', 1)
    with pytest.raises(ValueError):  # not JSON any more: refused, never half read
        seedfile.parse_seed(broken)


def test_load_seed_refuses_what_is_not_a_seed(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text('{"tables": []}')
    with pytest.raises(seedfile.SeedError, match="has no 'tables' object"):
        seedfile.load_seed(path, cache=False)
    path.write_text("{")
    with pytest.raises(seedfile.SeedError, match="is not valid JSON"):
        seedfile.load_seed(path, cache=False)
