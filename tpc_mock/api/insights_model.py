"""Model functions of the insights operations: share of voice and conversation queries,
all bounded by the caller's organizations (views are in views_model)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ..auth.resolve import Caller
from ..clock import parse_iso
from ..envelope import ValidationError, not_found
from ..runtime import Runtime
from ..store import declare_index

if TYPE_CHECKING:
    from .insights import ConversationQueriesQuery, SovQuery

declare_index("brands", "productId", "organizationId")
declare_index("prompts", "brandId")
declare_index("topics", "brandId")
declare_index("sovSeries", "brandId")
declare_index("userPersonas", "brandId")
declare_index("conversationQueries", "brandId", "promptId")
declare_index("views", "brandId", "organizationId")
declare_index("simulationRuns", "organizationId", "environmentId", "taskId")
MAX_SOV_DAYS = 366
SORTABLE = ["sov", "mentions", "runs", "label"]


def invalid(path: str, message: str) -> Exception:
    """422 VALIDATION_ERROR naming one parameter."""
    return ValidationError("validation failed", {"issues": [{"path": path, "message": message}]})


def paged(items: list[Any], page: int, size: int) -> list[Any]:
    """One page of `items` (empty past the end)."""
    start = (page - 1) * size
    return items[start:start + size]


def reachable_brand(rt: Runtime, caller: Caller, ref: str, what: str = "brand") -> dict[str, Any]:
    """A brand by its id or its product's id, if the caller reaches it; else 404."""
    brand = rt.store.get("brands", ref) or rt.store.find_one("brands", "productId", ref)
    if brand is None or not caller.can_reach(brand["organizationId"]):
        raise not_found(what)
    return brand


def brand_ref(brand: dict[str, Any]) -> dict[str, Any]:
    """`{id, name, slug}` of a brand."""
    return {"id": brand["id"], "name": brand["name"], "slug": brand.get("slug")}


def live(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r.get("deletedAt") is None]


# -- share of voice -----------------------------------------------------------
def _day(text: str | None, path: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text) if len(text) <= 10 else parse_iso(text).date()
    except (ValueError, OverflowError):
        raise invalid(path, "expected a date (YYYY-MM-DD) or an ISO-8601 timestamp") from None


def _window(args: SovQuery, rows: list[dict[str, Any]], today: date) -> tuple[date, date]:
    """The requested days; by default the 30 days up to the latest day with data."""
    start, end = _day(args.start, "start"), _day(args.end, "end")
    latest = max((date.fromisoformat(r["date"]) for r in rows), default=today)
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


def _tally(rows: list[dict[str, Any]], subject: str) -> dict[str, Any]:
    mentions = sum(r["mentions"].get(subject, 0) for r in rows)
    runs = sum(r["runs"] for r in rows)
    return {"sov": _sov(mentions, runs), "mentions": mentions, "runs": runs}


def _groups(rt: Runtime, by: str, brand: dict[str, Any], rows: list[dict[str, Any]],
            prompts: dict[str, Any], topics: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per product, prompt, topic or engine, counting the brand's own mentions."""
    subject = brand["productId"]
    if by == "product":
        names = [(subject, brand["name"])] + [(c["id"], c["name"]) for c in brand["competitors"]]
        return [{"dimension": "product", "key": key, "label": label, **_tally(rows, key)}
                for key, label in names]
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

    return [{"dimension": by, "key": key, "label": label(key), **_tally(bucket, subject)}
            for key, bucket in buckets.items()]


def _rank_and_sort(rows: list[dict[str, Any]], sort_by: str, direction: str) -> list[dict[str, Any]]:
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
    start, end = _window(args, days, rt.clock.now().date())
    first, last = start.isoformat(), end.isoformat()
    engine = args.engine.lower() if args.engine else None
    rows = [r for r in days if first <= r["date"] <= last
            and (not args.promptId or r["promptId"] == args.promptId)
            and (not args.topicId or prompts[r["promptId"]]["topicId"] == args.topicId)
            and (not engine or r["engine"] == engine)]
    return rows, start, end


def _time_series(rows: list[dict[str, Any]], start: date, end: date, subject: str) -> list[dict[str, Any]]:
    """One point per day of the window (days without runs count zero)."""
    per_day: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        per_day.setdefault(row["date"], []).append(row)
    days = ((start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1))
    return [{"date": day, **_tally(per_day.get(day, []), subject)} for day in days]


def share_of_voice(rt: Runtime, caller: Caller, args: SovQuery) -> dict[str, Any]:
    """Mentions per run of the product (and its competitors) over the window, from seeded days."""
    ref = args.productId or args.brandId
    if ref is None:
        raise invalid("productId", "productId is required")
    brand = reachable_brand(rt, caller, ref, "product")
    product = rt.store.get("products", brand["productId"]) or {}
    prompts = {p["id"]: p for p in live(rt.store.find("prompts", "brandId", brand["id"]))}
    topics = {t["id"]: t for t in rt.store.find("topics", "brandId", brand["id"])}
    if args.promptId and args.promptId not in prompts:
        raise not_found("prompt")
    if args.topicId and args.topicId not in topics:
        raise not_found("topic")
    rows, start, end = _sov_rows(rt, args, brand, prompts)
    products = sorted(_groups(rt, "product", brand, rows, prompts, topics),
                      key=lambda g: (-g["sov"], g["label"]))
    sort_by, direction = args.sortBy or "sov", args.sortDirection or "desc"
    table = _rank_and_sort(_groups(rt, args.by or "product", brand, rows, prompts, topics),
                           sort_by, direction)
    return {
        "scope": {"product": {"id": product.get("id"), "name": product.get("name"),
                              "slug": product.get("slug")}},
        "pagination": {"page": args.page, "pageSize": args.pageSize, "total": len(table),
                       "totalPages": math.ceil(len(table) / args.pageSize)},
        "sort": {"sortBy": sort_by, "sortDirection": direction, "sortableDimensions": SORTABLE},
        "timeSeries": _time_series(rows, start, end, brand["productId"]),
        "products": [{"product_id": p["key"], "product_name": p["label"], "sov": p["sov"],
                      "mentions": p["mentions"], "runs": p["runs"]} for p in products],
        "rows": paged(table, args.page, args.pageSize),
    }


# -- conversation queries -------------------------------------------------------
def view_query_ids(view: dict[str, Any]) -> set[str] | None:
    """The queries a view holds; None for a default view (all of its brand's)."""
    ids = view.get("conversationQueryIds")
    return None if view.get("isDefault") or ids is None else set(ids)


def _reachable_prompt(rt: Runtime, caller: Caller, prompt_id: str) -> dict[str, Any]:
    prompt = rt.store.get("prompts", prompt_id)
    if prompt is None or prompt.get("deletedAt") or not caller.can_reach(prompt["organizationId"]):
        raise not_found("prompt")
    return prompt


def _candidate_queries(
    rt: Runtime, caller: Caller, args: ConversationQueriesQuery, prompt_ids: list[str]
) -> list[dict[str, Any]]:
    prompts = [_reachable_prompt(rt, caller, p) for p in prompt_ids]
    if args.brandId is None:
        return [q for p in prompts for q in rt.store.find("conversationQueries", "promptId", p["id"])]
    brand = reachable_brand(rt, caller, args.brandId)
    if any(p["brandId"] != brand["id"] for p in prompts):
        raise not_found("prompt")
    found = rt.store.find("conversationQueries", "brandId", brand["id"])
    if prompt_ids:
        found = [q for q in found if q["promptId"] in set(prompt_ids)]
    if args.viewId:
        view = rt.store.get("views", args.viewId)
        if view is None or view.get("deletedAt") or view["brandId"] != brand["id"]:
            raise not_found("view")
        held = view_query_ids(view)
        found = [q for q in found if held is None or q["id"] in held]
    return found


def list_conversation_queries(
    rt: Runtime, caller: Caller, args: ConversationQueriesQuery
) -> dict[str, Any]:
    """A brand's (or prompts') live conversation queries with persona and prompt."""
    prompt_ids = list(dict.fromkeys(
        [p.strip() for p in (args.promptIds or "").split(",") if p.strip()]
        + ([args.promptId] if args.promptId else [])))
    if args.brandId is None and not prompt_ids:
        raise invalid("brandId", "one of brandId, promptId or promptIds is required")
    if args.viewId and args.brandId is None:
        raise invalid("viewId", "viewId requires brandId")
    rows = []
    needle = (args.search or "").strip().casefold()
    for query in live(_candidate_queries(rt, caller, args, prompt_ids)):
        prompt = rt.store.get("prompts", query["promptId"]) or {}
        persona = rt.store.get("userPersonas", query.get("userPersonaId") or "")
        text = " ".join([prompt.get("message", ""), (persona or {}).get("name", ""),
                         query.get("model") or ""]).casefold()
        if needle and needle not in text:
            continue
        item = {k: query.get(k) for k in ("id", "organizationId", "promptId", "userPersonaId",
                                          "model", "maxTurns", "createdAt", "updatedAt",
                                          "deletedAt")}
        if persona:
            item["userPersona"] = {"id": persona["id"], "name": persona["name"]}
        item["prompt"] = {"id": prompt.get("id"), "message": prompt.get("message")}
        rows.append(item)
    rows.sort(key=lambda q: (q["createdAt"], q["id"]), reverse=True)
    limit, page = args.limit or args.pageSize or 20, args.page or 1
    return {"data": paged(rows, page, limit),
            "pagination": {"page": page, "limit": limit, "total": len(rows),
                           "totalPages": math.ceil(len(rows) / limit)}}

