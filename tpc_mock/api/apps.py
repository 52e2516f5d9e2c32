"""/api/v1 apps operations."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("apps", __name__)
