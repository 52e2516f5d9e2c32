"""/api/v1 routing operations."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("routing", __name__)
