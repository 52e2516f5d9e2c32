"""/api/v1 content operations."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("content", __name__)
