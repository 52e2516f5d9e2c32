"""/api/v1/analytics over the store: share of voice from the seeded days, and the SDK's
server-side page_visit events (`v1.analytics.createEvent`), bounded by the caller's
organizations.

The events' shapes follow TPC's TypeScript SDK 0.3.0 (`src/resources/v1/analytics.ts`),
whose answer is the envelope around a second `{ok, data}`. Events are kept per organization
(the newest EVENTS_KEPT), so a test can read back what its app sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Literal

from typing_extensions import TypedDict

from ...auth.resolve import Caller
from ...clock import parse_iso
from ...envelope import not_found
from ...runtime import Runtime
from ...store import declare_index
from ..common import (
    invalid,
    live,
    new_id,
    now_iso,
    page_count,
    paged,
    reachable_brand,
    today,
)
from .schemas import (
    AnalyticsEventAck,
    CreateEventBody,
    ShareOfVoice,
    SortDimension,
    SovPoint,
    SovQuery,
    SovRow,
)

declare_index("prompts", "brandId")
declare_index("topics", "brandId")
declare_index("sovSeries", "brandId")
declare_index("analyticsEvents", "organizationId")
MAX_SOV_DAYS = 366
SORTABLE: list[SortDimension] = ["sov", "mentions", "runs", "label"]
EVENTS_KEPT = 1000  # per organization; older events are dropped first
Dimension = Literal["product", "prompt", "topic", "engine"]


class Tally(TypedDict):
    """What a day, product or row counts."""

    sov: float
    mentions: int
    runs: int


# -- share of voice -----------------------------------------------------------
def _day(text: str | None, path: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text) if len(text) <= 10 else parse_iso(text).date()
    except (ValueError, OverflowError):
        raise invalid(path, "expected a date (YYYY-MM-DD) or an ISO-8601 timestamp") from None


def _window(args: SovQuery, rows: list[dict[str, Any]], current: date) -> tuple[date, date]:
    """The requested days; by default the 30 days up to the latest day with data."""
    start, end = _day(args.start, "start"), _day(args.end, "end")
    latest = max((date.fromisoformat(r["date"]) for r in rows), default=current)
    if end is None:
        end = max(latest, start) if start else latest
    if start is None:
        start = max(date.min, end - timedelta(days=min(29, (end - date.min).days)))
    if start > end:
        raise invalid("start", "start must not be after end")
    if (end - start).days >= MAX_SOV_DAYS:
        raise invalid("end", f"the range must not exceed {MAX_SOV_DAYS} days")
    return start, end


def _daily(series: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unfold per prompt-and-engine series into one row per day."""
    rows = []
    for one in series:
        first = date.fromisoformat(one["firstDate"])
        for offset, runs in enumerate(one["runs"]):
            rows.append({"date": (first + timedelta(days=offset)).isoformat(),
                         "promptId": one["promptId"], "engine": one["engine"], "runs": runs,
                         "mentions": {s: counts[offset] for s, counts in one["mentions"].items()}})
    return rows


def _sov(mentions: int, runs: int) -> float:
    return round(mentions / runs, 4) if runs else 0.0


def _tally(rows: list[dict[str, Any]], subject: str) -> Tally:
    mentions = sum(r["mentions"].get(subject, 0) for r in rows)
    runs = sum(r["runs"] for r in rows)
    return {"sov": _sov(mentions, runs), "mentions": mentions, "runs": runs}


def _groups(rt: Runtime, by: Dimension, brand: dict[str, Any], rows: list[dict[str, Any]],
            prompts: dict[str, Any], topics: dict[str, Any]) -> list[SovRow]:
    """One row per product, prompt, topic or engine (ranked later), counting the brand's own
    mentions."""
    subject = brand["productId"]
    if by == "product":
        names = [(subject, brand["name"])] + [(c["id"], c["name"]) for c in brand["competitors"]]
        return [{"dimension": "product", "key": key, "label": label, **_tally(rows, key),
                 "rank": 0} for key, label in names]
    key_of: dict[str, Callable[[dict[str, Any]], str]] = {
        "prompt": lambda r: r["promptId"],
        "topic": lambda r: prompts[r["promptId"]]["topicId"],
        "engine": lambda r: r["engine"],
    }
    buckets: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        buckets.setdefault(key_of[by](row), []).append(row)

    def label(key: str) -> str:
        if by == "prompt":
            return str(prompts[key]["message"])
        if by == "topic":
            return str(topics.get(key, {}).get("name", key))
        return str((rt.store.get("engines", key) or {}).get("name", key))

    return [{"dimension": by, "key": key, "label": label(key), **_tally(bucket, subject),
             "rank": 0} for key, bucket in buckets.items()]


def _rank_and_sort(rows: list[SovRow], sort_by: SortDimension, direction: str) -> list[SovRow]:
    for rank, row in enumerate(sorted(rows, key=lambda r: (-r["sov"], -r["mentions"], r["label"])), 1):
        row["rank"] = rank
    if sort_by == "label":
        rows.sort(key=lambda r: (r["label"].casefold(), r["key"]), reverse=direction == "desc")
    else:
        rows.sort(key=lambda r: (r[sort_by], r["label"].casefold()), reverse=direction == "desc")
    return rows


def _sov_rows(rt: Runtime, args: SovQuery, brand: dict[str, Any], prompts: dict[str, Any]
              ) -> tuple[list[dict[str, Any]], date, date]:
    """The brand's daily rows inside the window that pass the prompt, topic and engine filters."""
    series = [r for r in rt.store.find("sovSeries", "brandId", brand["id"]) if r["promptId"] in prompts]
    days = _daily(series)
    start, end = _window(args, days, today(rt))
    first, last = start.isoformat(), end.isoformat()
    engine = args.engine.lower() if args.engine else None
    rows = [r for r in days if first <= r["date"] <= last
            and (not args.promptId or r["promptId"] == args.promptId)
            and (not args.topicId or prompts[r["promptId"]]["topicId"] == args.topicId)
            and (not engine or r["engine"] == engine)]
    return rows, start, end


def _time_series(rows: list[dict[str, Any]], start: date, end: date, subject: str
                 ) -> list[SovPoint]:
    """One point per day of the window (days without runs count zero)."""
    per_day: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        per_day.setdefault(row["date"], []).append(row)
    days = ((start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1))
    return [{"date": day, **_tally(per_day.get(day, []), subject)} for day in days]


def share_of_voice(rt: Runtime, caller: Caller, args: SovQuery) -> ShareOfVoice:
    """Mentions per run of the product (and its competitors) over the window, from seeded days."""
    ref = args.productId or args.brandId
    if ref is None:
        raise invalid("productId", "productId is required")
    brand = reachable_brand(rt, caller, ref, "product")
    product = rt.store.get("products", brand["productId"]) or {
        "id": brand["productId"], "name": brand["name"]}  # a data file without it
    prompts = {p["id"]: p for p in live(rt.store.find("prompts", "brandId", brand["id"]))}
    topics = {t["id"]: t for t in rt.store.find("topics", "brandId", brand["id"])}
    if args.promptId and args.promptId not in prompts:
        raise not_found("prompt")
    if args.topicId and args.topicId not in topics:
        raise not_found("topic")
    rows, start, end = _sov_rows(rt, args, brand, prompts)
    products = sorted(_groups(rt, "product", brand, rows, prompts, topics),
                      key=lambda g: (-g["sov"], g["label"]))
    sort_by: SortDimension = args.sortBy or "sov"
    direction: Literal["asc", "desc"] = args.sortDirection or "desc"
    table = _rank_and_sort(_groups(rt, args.by or "product", brand, rows, prompts, topics),
                           sort_by, direction)
    return {
        "scope": {"product": {"id": product["id"], "name": product["name"],
                              "slug": product.get("slug")}},
        "pagination": {"page": args.page, "pageSize": args.pageSize, "total": len(table),
                       "totalPages": page_count(len(table), args.pageSize)},
        "sort": {"sortBy": sort_by, "sortDirection": direction, "sortableDimensions": SORTABLE},
        "timeSeries": _time_series(rows, start, end, brand["productId"]),
        "products": [{"product_id": p["key"], "product_name": p["label"], "sov": p["sov"],
                      "mentions": p["mentions"], "runs": p["runs"]} for p in products],
        "rows": paged(table, args.page, args.pageSize),
    }


# -- events -----------------------------------------------------------------------
def record_event(rt: Runtime, organization_id: str, body: CreateEventBody) -> AnalyticsEventAck:
    """Store one event for the organization and answer the SDK's acknowledgement."""
    received = now_iso(rt)
    event_id = body.eventId if "eventId" in body.model_fields_set else new_id("evt")
    record = {
        "id": new_id("analyticsevent"), "eventId": event_id, "organizationId": organization_id,
        "event": body.event, "page": body.page.model_dump(exclude_unset=True),
        "anonymousId": body.anonymousId, "sessionId": body.sessionId,
        "occurredAt": body.occurredAt if "occurredAt" in body.model_fields_set else received,
        "properties": body.properties if "properties" in body.model_fields_set else {},
        "request": body.request.model_dump() if "request" in body.model_fields_set else None,
        "sdk": body.sdk.model_dump(exclude_unset=True) if "sdk" in body.model_fields_set else None,
        "receivedAt": received,
    }
    with rt.store.transaction():
        rt.store.insert("analyticsEvents", record)
        kept = sorted(rt.store.find("analyticsEvents", "organizationId", organization_id),
                      key=lambda e: (e["receivedAt"], e["id"]))
        for old in kept[:max(0, len(kept) - EVENTS_KEPT)]:
            rt.store.remove("analyticsEvents", old["id"])
    return {"ok": True, "data": {"accepted": True, "eventId": event_id,
                                 "receivedAt": received, "status": "accepted"}}
