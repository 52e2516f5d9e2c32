"""/api/v1 insights operations."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("insights", __name__)
