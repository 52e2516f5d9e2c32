"""/api/v1 insights: share of voice, agent-simulation runs, conversation queries, views."""

from __future__ import annotations

from typing import Any, Literal

from flask import Blueprint
from pydantic import Field

from ..auth.resolve import Caller
from ..envelope import not_found
from ..runtime import Runtime
from .insights_model import list_conversation_queries, paged, share_of_voice
from .models import OMITTED, Model
from .registry import SECURITY_NO_API_KEY, operation
from .views_model import create_view, list_views

bp = Blueprint("insights", __name__)


class SovQuery(Model):
    productId: str | None = Field(None, min_length=1, description="Product ID to use as the primary SOV scope.")
    brandId: str | None = Field(None, min_length=1, json_schema_extra={"deprecated": True},
                                description="Deprecated. Use productId instead.")
    by: Literal["prompt", "topic", "engine"] | None = None
    promptId: str | None = Field(None, min_length=1)
    topicId: str | None = Field(None, min_length=1)
    engine: str | None = Field(None, min_length=1)
    start: str | None = Field(None, description="First day (YYYY-MM-DD or ISO timestamp)")
    end: str | None = Field(None, description="Last day (YYYY-MM-DD or ISO timestamp)")
    page: int = Field(1, ge=1)
    pageSize: int = Field(20, ge=1, le=100)
    sortBy: Literal["sov", "mentions", "runs", "label"] | None = None
    sortDirection: Literal["asc", "desc"] | None = None


class SimulationRunsQuery(Model):
    environmentId: str | None = None
    taskId: str | None = None
    experimentId: str | None = None
    iterationId: str | None = None
    status: str | None = None
    search: str | None = None
    page: int = Field(1, ge=1)
    pageSize: int = Field(20, ge=1)  # no upper bound: TPC's document and docs set none


class ConversationQueriesQuery(Model):
    page: int | None = Field(None, ge=1)
    pageSize: int | None = Field(None, ge=1, le=500)
    search: str | None = None
    limit: int | None = Field(None, ge=1, le=500)
    brandId: str | None = None
    viewId: str | None = None
    promptId: str | None = None
    promptIds: str | None = Field(None, description="Comma-separated prompt ids")


class ViewsQuery(Model):
    page: int | None = Field(None, ge=1)
    pageSize: int | None = Field(None, ge=1, le=500)
    search: str | None = None
    brandId: str | None = None


class CreateViewBody(Model):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(OMITTED, max_length=500)
    brandId: str = Field(min_length=1)
    conversationQueryIds: list[str] = OMITTED


# -- agent-simulation runs ---------------------------------------------------------
def _reachable(rt: Runtime, caller: Caller, table: str, doc_id: str, what: str) -> dict[str, Any]:
    doc = rt.store.get(table, doc_id)
    if doc is None or not caller.can_reach(doc["organizationId"]):
        raise not_found(what)
    return doc


def _run_item(run: dict[str, Any], env: dict[str, Any], task: dict[str, Any] | None) -> dict[str, Any]:
    task_ref = {"id": task["id"], "name": task["name"], "category": task["category"]} if task else None
    item = dict(run)
    item["environment"] = {"id": env.get("id"), "name": env.get("name"),
                           "agentConfig": env.get("agentConfig"),
                           **({"task": task_ref} if task_ref else {})}
    if task_ref:
        item["task"] = task_ref
    return item


def list_runs(rt: Runtime, caller: Caller, args: SimulationRunsQuery) -> dict[str, Any]:
    """The caller's simulation runs, newest first, with their environment and task."""
    if args.taskId:
        _reachable(rt, caller, "simulationTasks", args.taskId, "task")
    if args.environmentId:
        env = _reachable(rt, caller, "simulationEnvironments", args.environmentId, "environment")
        runs = rt.store.find("simulationRuns", "environmentId", env["id"])
    elif args.taskId:
        runs = rt.store.find("simulationRuns", "taskId", args.taskId)
    else:
        runs = [r for org in sorted(caller.org_ids)
                for r in rt.store.find("simulationRuns", "organizationId", org)]
    envs: dict[str, dict[str, Any]] = {}
    tasks: dict[str, dict[str, Any] | None] = {}
    needle = (args.search or "").strip().casefold()
    items = []
    for run in runs:
        meta = run.get("metadata") or {}
        if run.get("deletedAt") or (args.taskId and run["taskId"] != args.taskId) \
                or (args.status and run["status"] != args.status) \
                or (args.experimentId and meta.get("experimentId") != args.experimentId) \
                or (args.iterationId and meta.get("iterationId") != args.iterationId):
            continue
        env = envs.setdefault(run["environmentId"],
                              rt.store.get("simulationEnvironments", run["environmentId"]) or {})
        task = tasks.setdefault(run["taskId"] or "", rt.store.get("simulationTasks", run["taskId"] or ""))
        text = f"{run['id']} {env.get('name', '')} {(task or {}).get('name', '')}".casefold()
        if not needle or needle in text:
            items.append(_run_item(run, env, task))
    items.sort(key=lambda r: (r["createdAt"], r["id"]), reverse=True)
    return {"runs": paged(items, args.page, args.pageSize), "total": len(items)}


# -- views ---------------------------------------------------------------------------
@operation(bp, "/api/v1/analytics/sov", "GET", "getAnalyticsSov",
           "Get share of voice analytics for a product", "Visibility & Mentions",
           scopes=("analytics:read",), query=SovQuery)
def get_analytics_sov(rt: Runtime, caller: Caller, args: SovQuery) -> Any:
    return share_of_voice(rt, caller, args)


@operation(bp, "/api/v1/agent-simulation/runs", "GET", "getAgentSimulationRuns",
           "List agent simulation runs", "Agent Simulation", scopes=("simulations:read",),
           query=SimulationRunsQuery)
def get_agent_simulation_runs(rt: Runtime, caller: Caller, args: SimulationRunsQuery) -> Any:
    return list_runs(rt, caller, args)


@operation(bp, "/api/v1/conversation-queries", "GET", "getConversationQueries",
           "List conversation queries", "Conversation Queries", scopes=("prompts:read",),
           security=SECURITY_NO_API_KEY, query=ConversationQueriesQuery)
def get_conversation_queries(rt: Runtime, caller: Caller, args: ConversationQueriesQuery) -> Any:
    return list_conversation_queries(rt, caller, args)


@operation(bp, "/api/v1/views", "GET", "getViews", "List views", "Views",
           scopes=("analytics:read",), security=SECURITY_NO_API_KEY, query=ViewsQuery)
def get_views(rt: Runtime, caller: Caller, args: ViewsQuery) -> Any:
    return list_views(rt, caller, args)


@operation(bp, "/api/v1/views", "POST", "postViews", "Create a view", "Views",
           scopes=("analytics:read",), security=SECURITY_NO_API_KEY, body=CreateViewBody,
           status=201)
def post_views(rt: Runtime, caller: Caller, args: CreateViewBody) -> Any:
    return create_view(rt, caller, args)
