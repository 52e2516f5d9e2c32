"""/api/v1/agent-simulation: simulation runs."""
