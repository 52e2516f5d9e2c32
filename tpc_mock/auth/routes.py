"""/api/auth: better-auth's sign-in, sign-out, get-session and API-key routes."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth_routes", __name__)
