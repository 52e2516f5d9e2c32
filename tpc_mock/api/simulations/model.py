"""/api/v1/agent-simulation over the store: the caller's simulation runs, with their
environment and task."""

from __future__ import annotations

from typing import Any

from ...auth.resolve import Caller
from ...runtime import Runtime
from ...store import declare_index
from ..common import paged, reachable
from .schemas import (
    SimulationEnvironmentRef,
    SimulationRun,
    SimulationRuns,
    SimulationRunsQuery,
    SimulationTaskRef,
)

declare_index("simulationRuns", "organizationId", "environmentId", "taskId")


def _run_item(run: dict[str, Any], env: dict[str, Any], task: dict[str, Any] | None
              ) -> SimulationRun:
    environment: SimulationEnvironmentRef = {
        "id": env.get("id") or run["environmentId"], "name": env.get("name") or "",
        "agentConfig": env.get("agentConfig")}
    get = run.get
    item: SimulationRun = {
        "id": run["id"], "environmentId": run["environmentId"], "taskId": get("taskId"),
        "organizationId": run["organizationId"], "status": run["status"],
        "sandboxId": get("sandboxId"), "sandboxSnapshot": get("sandboxSnapshot"),
        "volumeIds": get("volumeIds"), "logS3Keys": get("logS3Keys"),
        "overallScore": get("overallScore"), "passed": get("passed"),
        "tokensUsed": get("tokensUsed"), "costUsd": get("costUsd"), "metadata": get("metadata"),
        "startedAt": get("startedAt"), "completedAt": get("completedAt"),
        "duration": get("duration"), "createdAt": run["createdAt"],
        "updatedAt": run["updatedAt"], "deletedAt": get("deletedAt"),
        "environment": environment}
    if task:
        task_ref: SimulationTaskRef = {"id": task["id"], "name": task["name"],
                                       "category": task["category"]}
        environment["task"] = item["task"] = task_ref
    return item


def list_runs(rt: Runtime, caller: Caller, args: SimulationRunsQuery) -> SimulationRuns:
    """The caller's simulation runs, newest first, with their environment and task."""
    if args.taskId:
        reachable(rt, caller, "simulationTasks", args.taskId, "task")
    if args.environmentId:
        env = reachable(rt, caller, "simulationEnvironments", args.environmentId,
                        "environment")
        runs = rt.store.find("simulationRuns", "environmentId", env["id"])
    elif args.taskId:
        runs = rt.store.find("simulationRuns", "taskId", args.taskId)
    else:
        runs = [r for org in sorted(caller.org_ids)
                for r in rt.store.find("simulationRuns", "organizationId", org)]
    envs: dict[str, dict[str, Any]] = {}
    tasks: dict[str, dict[str, Any] | None] = {}
    needle = (args.search or "").strip().casefold()
    items: list[SimulationRun] = []
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
