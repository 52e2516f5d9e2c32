"""/api/v1/conversation-queries over the store: a brand's (or prompts') live conversation
queries, bounded by the caller's organizations."""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from ...auth.resolve import Caller
from ...envelope import not_found
from ...runtime import Runtime
from ...store import declare_index
from ..common import invalid, live, page_count, paged, reachable, reachable_brand
from ..views.model import view_query_ids
from .schemas import (
    ConversationQueries,
    ConversationQueriesQuery,
    ConversationQuery,
    UserPersonaRef,
)

declare_index("conversationQueries", "brandId", "promptId")
declare_index("userPersonas", "brandId")


class _Persona(TypedDict, total=False):
    """A query's persona, when it has one (before its prompt, as TPC answers)."""

    userPersona: UserPersonaRef


def _reachable_prompt(rt: Runtime, caller: Caller, prompt_id: str) -> dict[str, Any]:
    return reachable(rt, caller, "prompts", prompt_id, "prompt", not_deleted=True)


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
) -> ConversationQueries:
    """A brand's (or prompts') live conversation queries with persona and prompt."""
    prompt_ids = list(dict.fromkeys(
        [p.strip() for p in (args.promptIds or "").split(",") if p.strip()]
        + ([args.promptId] if args.promptId else [])))
    if args.brandId is None and not prompt_ids:
        raise invalid("brandId", "one of brandId, promptId or promptIds is required")
    if args.viewId and args.brandId is None:
        raise invalid("viewId", "viewId requires brandId")
    rows: list[ConversationQuery] = []
    needle = (args.search or "").strip().casefold()
    for query in live(_candidate_queries(rt, caller, args, prompt_ids)):
        prompt = rt.store.get("prompts", query["promptId"]) or {}
        persona = rt.store.get("userPersonas", query.get("userPersonaId") or "")
        text = " ".join([prompt.get("message", ""), (persona or {}).get("name", ""),
                         query.get("model") or ""]).casefold()
        if needle and needle not in text:
            continue
        extra: _Persona = {"userPersona": {"id": persona["id"], "name": persona["name"]}
                           } if persona else {}
        get = query.get
        rows.append({
            "id": query["id"], "organizationId": get("organizationId"),
            "promptId": query["promptId"], "userPersonaId": get("userPersonaId"),
            "model": get("model"), "maxTurns": get("maxTurns"), "createdAt": query["createdAt"],
            "updatedAt": query["updatedAt"], "deletedAt": get("deletedAt"), **extra,
            "prompt": {"id": prompt.get("id") or query["promptId"],
                       "message": prompt.get("message") or ""}})
    rows.sort(key=lambda q: (q["createdAt"], q["id"]), reverse=True)
    limit, page = args.limit or args.pageSize or 20, args.page or 1
    return {"data": paged(rows, page, limit),
            "pagination": {"page": page, "limit": limit, "total": len(rows),
                           "totalPages": page_count(len(rows), limit)}}
