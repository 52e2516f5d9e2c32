"""GET /: a start page for whoever opens the server's URL; /favicon.ico so logs stay quiet."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from ..web import runtime

bp = Blueprint("landing", __name__, template_folder="templates")

# A small "T" mark: browsers take an SVG icon by its Content-Type, whatever the path.
FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
           '<rect width="16" height="16" rx="3" fill="#3056d3"/>'
           '<path d="M4 4h8v2H9v6H7V6H4z" fill="#fff"/></svg>')


@bp.get("/")
def landing_page() -> str:
    """Links to the dashboard, the device page, the OpenAPI document and the control API."""
    rt = runtime()
    return render_template("landing.html", title="tpc-mock", base=rt.config.public_url,
                           control=rt.config.control)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The icon browsers ask for on every page."""
    return Response(FAVICON, mimetype="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})
