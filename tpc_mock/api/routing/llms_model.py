"""/api/v1/apps/{appId}/llms-txt over the store: an llms.txt (llmstxt.org) of the app's routed,
published pages, grouped by section."""

from __future__ import annotations

import re
from typing import Any

from ...auth.resolve import Caller
from ...runtime import Runtime
from ..apps.domains_model import live_domains
from ..apps.model import reachable_app
from ..common import product_domains, source_url
from .routes_model import app_routes, normalize_route_path


def _under(path: str, prefix: str | None) -> bool:
    if not prefix or prefix == "/":
        return True
    return path == prefix or path.startswith(prefix + "/")


def _one_line(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def llms_txt(rt: Runtime, caller: Caller, app_id: str, path_prefix: str | None) -> str:
    """An llms.txt (llmstxt.org) of the app's routed, published pages."""
    app = reachable_app(rt, caller, app_id)
    prefix = normalize_route_path(path_prefix) if path_prefix else None
    web = [d for d in live_domains(rt, app_id) if d["type"] == "web"]
    sections: dict[str, list[str]] = {}
    products: dict[str, str] = {}
    for route in app_routes(rt, app_id):
        page = rt.store.get("pages", route["targetId"])
        product = rt.store.get("products", route.get("productId") or "")
        if (not _under(route["path"], prefix) or page is None or product is None
                or page.get("deletedAt") or page["status"] != "published"):
            continue
        products[product["id"]] = product["name"]
        url = (f"https://{web[0]['domain']}{route['path']}" if web
               else source_url(page, product, product_domains(rt, product["id"])))
        title = _one_line(page["title"]).replace("[", "(").replace("]", ")")
        note = _one_line(page.get("metaDescription") or page.get("description"))
        segments = [s for s in route["path"].split("/") if s]
        section = segments[0].replace("-", " ").capitalize() if len(segments) > 1 else "Pages"
        link = f"- [{title}]({url})" + (f": {note}" if note else "")
        sections.setdefault(section, []).append(link)
    return _render_llms(app, sections, products)


def _render_llms(
    app: dict[str, Any], sections: dict[str, list[str]], products: dict[str, str]
) -> str:
    metadata = app.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
    count = sum(len(links) for links in sections.values())
    summary = _one_line(str(metadata.get("description") or "")) or (
        f"{app['name']}: {count} published page{'s' if count != 1 else ''}"
        + (f" from {', '.join(sorted(products.values()))}." if products else "."))
    lines = [f"# {_one_line(app['name'])}", "", f"> {summary}", ""]
    for name in sorted(sections, key=lambda s: (s != "Pages", s)):
        lines += [f"## {name}", "", *sections[name], ""]
    return "\n".join(lines)
