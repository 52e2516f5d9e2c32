"""Internal routes the dashboard and `tpc auth whoami` use: /me, /organizations, /products."""

from __future__ import annotations

from flask import Blueprint

from ...auth.resolve import Caller
from ...runtime import Runtime
from ..registry import SECURITY_INTERNAL, operation
from .model import me, organizations_of, products_of
from .schemas import ListProductsQuery, Me, Organizations, Products

bp = Blueprint("internal", __name__)


@operation(bp, "/api/v1/me", "GET", "getMe", "The signed-in user and their organizations",
           "Internal", security=SECURITY_INTERNAL, response=Me)
def get_me(rt: Runtime, caller: Caller, args: None) -> Me:
    return me(rt, caller)


@operation(bp, "/api/v1/organizations", "GET", "getOrganizations",
           "Organizations the caller belongs to", "Internal", security=SECURITY_INTERNAL,
           response=Organizations)
def list_organizations(rt: Runtime, caller: Caller, args: None) -> Organizations:
    return {"organizations": organizations_of(rt, caller.user_id or "")}


@operation(bp, "/api/v1/products", "GET", "getProducts", "Products of the caller's organizations",
           "Internal", security=SECURITY_INTERNAL, query=ListProductsQuery, response=Products)
def list_products(rt: Runtime, caller: Caller, args: ListProductsQuery) -> Products:
    return {"products": products_of(rt, caller, args.organizationId)}
