"""/api/v1/agent-simulation: the operations (list runs)."""

from __future__ import annotations

from flask import Blueprint

from ...auth.resolve import Caller
from ...runtime import Runtime
from ..registry import operation
from .model import list_runs
from .schemas import SimulationRuns, SimulationRunsQuery

bp = Blueprint("simulations", __name__)


@operation(bp, "/api/v1/agent-simulation/runs", "GET", "getAgentSimulationRuns",
           "List agent simulation runs", "Agent Simulation", scopes=("simulations:read",),
           query=SimulationRunsQuery, response=SimulationRuns)
def get_agent_simulation_runs(rt: Runtime, caller: Caller,
                              args: SimulationRunsQuery) -> SimulationRuns:
    return list_runs(rt, caller, args)
