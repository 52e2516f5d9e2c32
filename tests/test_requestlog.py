"""requestlog: request ids are version-4 UUIDs unless the client sent a sane one."""

from __future__ import annotations

import uuid

from tpc_mock.requestlog import request_id_for


def test_new_ids_are_distinct_version_4_uuids() -> None:
    ids = [request_id_for({}) for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, text)


def test_a_clients_sane_id_is_kept_and_anything_else_replaced() -> None:
    assert request_id_for({"HTTP_X_REQUEST_ID": "trace-42:a.b_c"}) == "trace-42:a.b_c"
    for bad in ("", "has space", "x" * 129, "new\nline"):
        replaced = request_id_for({"HTTP_X_REQUEST_ID": bad})
        assert replaced != bad and uuid.UUID(replaced).version == 4
