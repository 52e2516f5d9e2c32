"""The public API: one package per resource, each `schemas` (request models and the shapes of
the answers), `model` (functions over the store that build those answers) and `views` (the
blueprint and its `@operation` handlers); shapes the resources share are in `schemas.py`."""

from __future__ import annotations

from importlib import import_module

from flask import Blueprint

RESOURCES = ("site_pages", "md", "content", "apps", "routing", "analytics", "simulations",
             "conversations", "views", "knowledge", "internal")


def blueprints() -> list[Blueprint]:
    """Every resource's blueprint and the OpenAPI document's. Importing the views declares
    their operations and, through their models, the store's indexes."""
    found = [import_module(f"{__name__}.{name}.views").bp for name in RESOURCES]
    return [*found, import_module(f"{__name__}.openapi").bp]
