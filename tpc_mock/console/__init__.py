"""/__mock/console: the emulator console, a page that shows and steers the running emulator.

Registered with the control API (never under --no-control) and guarded like it: the
page's own script calls `/__mock` from the same origin. Reading the journal here is
what turns its entries into words (explain.py) and, for a while, makes the journal keep
successful answers too; a console nobody has open costs requests nothing.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, render_template, request
from pydantic import BaseModel, ConfigDict, Field

from ..auth.scopes import SCOPES
from ..clock import iso
from ..envelope import NotFound, ok
from ..explain import ANSWER, explain, public_entry
from ..querystring import QueryInt
from ..web import query_args, runtime
from .data import PAGE_SIZE, browse_table, table_counts

# A console polls every second; it counts as open until this long after its last poll.
WATCH_SECONDS = 10.0
FEED_LIMIT = 200

bp = Blueprint("console", __name__, url_prefix="/__mock/console", template_folder="templates",
               static_folder="static")


class FeedQuery(BaseModel):
    """Filters of the Requests panel: method, path prefix, status class, caller kind."""

    model_config = ConfigDict(extra="forbid")
    method: str | None = Field(None, pattern=r"^[A-Za-z]{1,16}$")
    path: str | None = Field(None, max_length=2048)
    status: str | None = Field(None, pattern=r"^[1-5]xx$")
    caller: str | None = Field(None, pattern=r"^(apiKey|bearer|session|none)$")
    limit: QueryInt = Field(FEED_LIMIT, ge=1, le=1000)


class TableQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    page: QueryInt = Field(1, ge=1)
    pageSize: QueryInt = Field(PAGE_SIZE, ge=1, le=100)
    q: str | None = Field(None, max_length=200)


def _matches(entry: dict[str, Any], query: FeedQuery) -> bool:
    return ((not query.method or entry["method"] == query.method.upper())
            and (not query.path or entry["path"].startswith(query.path))
            and (not query.status or str(entry["status"])[0] == query.status[0])
            and (not query.caller or entry["callerKind"] == query.caller))


def _handle(entry: dict[str, Any]) -> str:
    """Names an entry while it is in the journal (its object id, which a later entry may
    reuse once it is gone, so the request id too)."""
    return f"{id(entry)}-{entry['requestId']}"


def feed_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A journal entry for the console: its handle, its explanation, its wall-clock time."""
    shown = public_entry(entry)
    shown["handle"] = _handle(entry)
    shown["explanation"] = explain(entry)
    shown["hasAnswer"] = ANSWER in entry
    return shown


@bp.get("")
def console_page() -> str:
    """The console: Requests, Data, Credentials, and Clock, faults and state."""
    rt = runtime()
    return render_template("console.html", title="Console", base=request.host_url.rstrip("/"),
                           scopes=SCOPES, journal_size=rt.config.journal_size,
                           organizations=rt.seed["tables"].get("organizations", {}).values(),
                           users=rt.seed["tables"].get("users", {}).values())


@bp.get("/feed")
def request_feed() -> Any:
    """The journal newest first, filtered and explained; polling it keeps answers coming."""
    rt = runtime()
    rt.console_until = time.monotonic() + WATCH_SECONDS
    query = query_args(FeedQuery)
    entries = rt.journal.copy()
    found: list[dict[str, Any]] = []
    for entry in reversed(entries):
        if _matches(entry, query):
            found.append(feed_entry(entry))
            if len(found) >= query.limit:
                break
    now = rt.clock.now()
    return ok({"now": iso(now), "offset": rt.clock.offset.total_seconds(),
               "total": len(entries), "entries": found})


@bp.get("/requests/<handle>")
def request_detail(handle: str) -> Any:
    """One journal entry with the answer it kept (headers and body), if any."""
    entry = next((e for e in runtime().journal.copy() if _handle(e) == handle), None)
    if entry is None:
        raise NotFound("request not found (the journal keeps the last entries only)")
    return ok({**feed_entry(entry), "answer": entry.get(ANSWER)})


@bp.get("/tables")
def list_tables() -> Any:
    """Every table of the store with its record count."""
    return ok(table_counts(runtime().store))


@bp.get("/tables/<name>")
def show_table(name: str) -> Any:
    """One page of a table's records (secrets hidden), optionally filtered by text."""
    query = query_args(TableQuery)
    found = browse_table(runtime().store, name, page=query.page, page_size=query.pageSize,
                         text=query.q)
    if found is None:
        raise NotFound("table not found")
    return ok(found)
