"""/api/auth/device*: the RFC 8628 device authorization flow, as better-auth answers it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("device", __name__)
