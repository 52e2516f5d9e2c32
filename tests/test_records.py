"""records.share_repeated_values: large parsed tables hold one object per repeated value."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from tpc_mock import jsontext
from tpc_mock.records import SHARE_FROM, share_repeated_values
from tpc_mock.storage import load_data_file


def _pages(count: int) -> dict[str, dict[str, object]]:
    pages = {}
    for n in range(count):
        stamp = f"2026-01-{n % 28 + 1:02d}T00:00:{n % 60:02d}.000Z"
        pages[f"page_{n}"] = {
            "id": f"page_{n}", "productId": f"product_{n % 3}", "status": "published",
            "title": f"Title {n}", "createdAt": stamp, "updatedAt": stamp,
            "publishedAt": stamp if n % 2 else None, "tags": [],
        }
    return pages


def _parsed(tables: dict[str, object]) -> dict[str, dict[str, dict[str, object]]]:
    parsed: dict[str, dict[str, dict[str, object]]] = jsontext.loads(json.dumps(tables))
    return parsed


def test_repeated_fields_and_a_records_equal_timestamps_become_one_object() -> None:
    tables = _parsed({"pages": _pages(SHARE_FROM + 10)})
    before = copy.deepcopy(tables)
    assert tables["pages"]["page_0"]["status"] is not tables["pages"]["page_1"]["status"]
    share_repeated_values(tables)
    assert tables == before  # nothing changes but which object holds an equal value
    pages = list(tables["pages"].values())
    assert len({id(p["status"]) for p in pages}) == 1
    assert len({id(p["productId"]) for p in pages}) == 3
    assert all(p["updatedAt"] is p["createdAt"] for p in pages)
    published = [p for p in pages if p["publishedAt"] is not None]
    assert published and all(p["publishedAt"] is p["createdAt"] for p in published)
    assert len({id(p["title"]) for p in pages}) == len(pages)  # many values: left alone


def test_small_tables_are_left_as_parsed() -> None:
    tables = _parsed({"pages": _pages(20)})
    share_repeated_values(tables)
    pages = list(tables["pages"].values())
    assert len({id(p["status"]) for p in pages}) == len(pages)


def test_a_data_file_is_read_with_shared_values(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    pages = _pages(SHARE_FROM + 1)
    path.write_text(json.dumps({"pages": pages}))
    loaded = load_data_file(path)
    assert loaded == {"pages": pages}
    statuses = {id(p["status"]) for p in loaded["pages"].values()}
    assert len(statuses) == 1


def test_a_document_is_parsed_with_the_collector_paused_and_left_as_it_was() -> None:
    import gc

    assert gc.isenabled()
    assert jsontext.loads_document(b'{"a": [1, {"b": null}]}') == {"a": [1, {"b": None}]}
    assert gc.isenabled()
    gc.disable()
    try:
        jsontext.loads_document(b"[]")
        assert not gc.isenabled()  # not turned on behind a caller that turned it off
    finally:
        gc.enable()
