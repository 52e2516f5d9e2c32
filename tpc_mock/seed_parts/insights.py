"""Seed tables for the insights feature."""

from __future__ import annotations

from typing import Any


def seed(tables: dict[str, dict[str, dict[str, Any]]], faker_seed: int) -> None:
    """Add this feature's tables to the seed (deterministic for `faker_seed`)."""
