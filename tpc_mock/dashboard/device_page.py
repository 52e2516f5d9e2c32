"""GET /device: the HTML page where a signed-in user approves or denies a device code."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("device_page", __name__, template_folder="templates")
