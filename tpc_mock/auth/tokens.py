"""/api/auth/list-sessions and /api/auth/revoke-session: a user's sessions and bearer tokens."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("tokens", __name__)
