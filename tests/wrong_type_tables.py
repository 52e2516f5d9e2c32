"""What TPC's OpenAPI document says each public operation takes, written out by hand.

The tables come from reading `shared/reference/tpc-openapi.json` (and, for the three
operations it does not list, the TypeScript SDK's parameter types), never from the
emulator's models or its own OpenAPI document, so that test_wrong_types.py checks the models
against the docs and not against themselves. Site pages have their own tables in
test_hostile.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MISSING = object()  # the field is left out of the body or query


@dataclass(frozen=True)
class Op:
    """An operation and a request the docs call valid: body or query, and its 2xx."""

    method: str
    url: str
    valid: dict[str, Any]
    status: int = 200
    query: bool = False  # `valid` is the query string, not the body
    bearer: bool = False  # no API keys (conversation queries, views)
    # Body fields and their JSON type ("T?" may be null, "T[]" an array of T, "a|b" an
    # enum, "true" the one value, "any" anything, "scalars" an object of JSON scalars).
    types: dict[str, str] = field(default_factory=dict)


ROUTING: dict[str, Any] = {
    "mode": "path_routing", "fallbackOrigin": {"url": "https://origin.example.com"},
    "paths": [{"id": "docs", "pathPrefix": "/docs",
               "destination": {"type": "app", "appId": "app_123"}}]}
ROUTING_TYPES = {"mode": "full_shadow|path_routing", "fallbackOrigin": "object",
                 "fallbackOrigin.url": "string", "paths": "object[]", "paths.0.id": "string",
                 "paths.0.pathPrefix": "string", "paths.0.destination": "object",
                 "paths.0.preservePathPrefix": "true"}
NEW_ROUTE = {"path": "string", "targetType": "product_document", "targetId": "string"}
BATCH = {"routes": [{"path": "/typed", "targetType": "product_document", "targetId": "page_123"}]}
BATCH_TYPES = {"routes": "object[]", **{f"routes.0.{k}": v for k, v in NEW_ROUTE.items()}}
APP_TYPES = {"name": "string", "slug": "string", "metadata": "object?"}
NULLABLE_TEXT = ("description", "cssSelector", "cssExcludeSelector", "redirectToUrl",
                 "descriptionForAgent",
                 "metaTitle", "metaDescription", "canonicalUrl", "ogTitle", "ogDescription",
                 "ogImage", "twitterTitle", "twitterDescription", "twitterImage")
APP = "/api/v1/apps/app_123"
SECOND_PRODUCT = "product_mg787hnhrlyh3et1"  # org_123's product not yet attached to app_123

OPS: dict[str, Op] = {
    # -- content
    "putContentId": Op("PUT", "/api/v1/content/page_123", {
        "title": "Pricing", "content": "# Pricing", "cssSelector": None, "tags": ["a"],
        "noIndex": False, "priority": 5, "tiptapJson": {"type": "doc"}}, types={
        "filePath": "string", "title": "string", "content": "string", "sourceUrl": "string",
        **{name: "string?" for name in NULLABLE_TEXT}, "tiptapJson": "any",
        "noIndex": "boolean", "tags": "string[]", "priority": "number?"}),
    "patchContentId": Op("PATCH", "/api/v1/content/page_123", {"priority": 50},
                         types={"priority": "number"}),
    "getContentByPath": Op("GET", "/api/v1/content/by-path",
                           {"brandId": "brand_123", "path": "pricing"}, query=True),
    "patchContentIdDomains": Op("PATCH", "/api/v1/content/page_123/domains", {
        "attach": ["domain_694rkkds40jr2g03"], "detach": [],
        "canonicalDomainId": "domain_123"}, types={
        "attach": "string[]", "detach": "string[]", "canonicalDomainId": "string"}),
    "postContentSearchOrgId": Op("POST", "/api/v1/content/search/org_123", {"query": "pricing"},
                                 types={"query": "string"}),
    # -- apps, their resources, domains and config
    "postApps": Op("POST", "/api/v1/apps", {"name": "Typed", "slug": "typed", "metadata": None,
                                            "config": {}},
                   types={**APP_TYPES, "config": "object"}),
    "patchAppsAppId": Op("PATCH", APP, {"name": "Renamed", "metadata": {"a": 1}}, types=APP_TYPES),
    "postAppsAppIdResources": Op("POST", APP + "/resources", {
        "resourceType": "product", "resourceId": SECOND_PRODUCT},
        types={"resourceType": "product", "resourceId": "string"}),
    "deleteAppsAppIdResources": Op("DELETE", APP + "/resources", {
        "resourceType": "product", "resourceId": "product_123", "deleteDependentRoutes": True},
        types={"resourceType": "product", "resourceId": "string",
               "deleteDependentRoutes": "boolean"}),
    "patchAppsAppIdResourcesResourceId": Op(  # the SDK's ResourceUpdateParams
        "PATCH", APP + "/resources/product_123", {"displayName": "Docs"},
        types={"displayName": "string"}),
    "postAppsAppIdDomains": Op("POST", APP + "/domains", {
        "domain": "typed.example.com", "type": "web", "origin": "https://origin.example.com"},
        types={"domain": "string", "type": "web|metric|redirect", "origin": "string"}),
    "patchAppsAppIdAppConfig": Op("PATCH", APP + "/app-config", {"config": {"theme": "dark"}},
                                  types={"config": "object"}),
    # -- routing
    "putDomainIdRouting": Op("PUT", "/api/v1/domain/domain_123/routing", ROUTING,
                             types=ROUTING_TYPES),
    "postDomainIdRoutingValidate": Op("POST", "/api/v1/domain/domain_123/routing/validate",
                                      ROUTING, types=ROUTING_TYPES),
    "getAppsAppIdRouteCandidates": Op("GET", APP + "/route-candidates", {
        "productId": "product_123", "status": "draft", "includeRouted": "true"}, query=True),
    "postAppsAppIdRoutes": Op("POST", APP + "/routes", {
        "path": "/typed", "targetType": "product_document", "targetId": "page_123"},
        types=NEW_ROUTE),
    "patchAppsAppIdRoutesRouteId": Op("PATCH", APP + "/routes/route_6yoj8fa43wj9bs2c", {
        "path": "/typed", "targetType": "product_document", "targetId": "page_123"},
        types=NEW_ROUTE),
    "postAppsAppIdRoutesImportPreview": Op("POST", APP + "/routes/import-preview", BATCH,
                                           types=BATCH_TYPES),
    "postAppsAppIdRoutesBatch": Op("POST", APP + "/routes/batch", BATCH, types=BATCH_TYPES),
    "getAppsAppIdLlmsTxt": Op("GET", APP + "/llms-txt", {"pathPrefix": "/"}, query=True),
    # -- analytics, simulations, conversation queries, views
    "getAnalyticsSov": Op("GET", "/api/v1/analytics/sov", {
        "productId": "product_123", "by": "prompt", "page": "1", "pageSize": "100",
        "sortBy": "sov", "sortDirection": "asc"}, query=True),
    "postAnalyticsEvents": Op(  # the SDK's AnalyticsCreateEventParams
        "POST", "/api/v1/analytics/events", {
            "event": "page_visit", "page": {"href": "https://app.example.com/pricing",
                                            "title": None},
            "properties": {"plan": "pro", "seats": 3, "trial": False, "coupon": None},
            "request": {"method": "GET"}, "sdk": {"name": "sdk"}, "sessionId": None},
        status=202, types={
            "event": "page_visit", "page": "object", "page.href": "string",
            "page.canonicalUrl": "string?", "page.domain": "string", "page.pathname": "string",
            "page.title": "string?", "anonymousId": "string?", "eventId": "string",
            "occurredAt": "string", "properties": "scalars", "request": "object",
            "request.clientIp": "string?", "request.method": "string?",
            "request.referrer": "string?", "request.userAgent": "string?", "sdk": "object",
            "sdk.name": "string", "sdk.runtime": "string", "sdk.version": "string",
            "sessionId": "string?"}),
    "getAgentSimulationRuns": Op("GET", "/api/v1/agent-simulation/runs", {
        "status": "completed", "page": "1", "pageSize": "1000"}, query=True),
    "getConversationQueries": Op("GET", "/api/v1/conversation-queries", {
        "page": "1", "pageSize": "500", "limit": "500", "brandId": "brand_123"},
        query=True, bearer=True),
    "getViews": Op("GET", "/api/v1/views", {"page": "1", "pageSize": "500"}, query=True,
                   bearer=True),
    "postViews": Op("POST", "/api/v1/views", {"name": "Typed", "brandId": "brand_123",
                                              "conversationQueryIds": []},
                    status=201, bearer=True, types={
                        "name": "string", "description": "string", "brandId": "string",
                        "conversationQueryIds": "string[]"}),
    # -- knowledge (TPC's API reference, knowledge section: `{query, include?}`)
    "postProductsProductIdKnowledgeRetrieve": Op(
        "POST", "/api/v1/products/product_123/knowledge/retrieve",
        {"query": "pricing", "include": ["documents"]},
        types={"query": "string", "include": "string[]"}),
}

# pydantic's words for each issue, as the emulator's envelope carries them.
REQUIRED = "Field required"
NOT_EMPTY = "String should have at least 1 character"
NOT_AN_INTEGER = "Input should be a valid integer, unable to parse string as an integer"
NOT_A_BOOLEAN = "Input should be a valid boolean, unable to interpret input"


def at_most(n: int, what: str = "characters") -> str:
    return f"String should have at most {n} {what}"


def at_least(n: int) -> str:
    return f"Input should be greater than or equal to {n}"


def below(n: int) -> str:
    return f"Input should be less than or equal to {n}"


def one_of(*values: str) -> str:
    quoted = [f"'{v}'" for v in values]
    return "Input should be " + (" or ".join(quoted) if len(quoted) < 3
                                 else ", ".join(quoted[:-1]) + " or " + quoted[-1])


def pattern(regex: str) -> str:
    return f"String should match pattern '{regex}'"


SLUG = pattern("^[a-z0-9]+(?:-[a-z0-9]+)*$")
ROUTE_PATH = pattern(r"^\/?[^?#\s]*$")
ROUTING_TAGS = ("Input tag 'site' found using 'type' does not match any of the expected tags: "
                "'app', 'product'")
HUNDRED_AND_ONE = [{"path": f"/r{n}", "targetId": "page_123"} for n in range(101)]

# Bounds, enums, patterns and required fields from the document: (field, value, issue path,
# issue message). A dotted field reaches into the valid body; MISSING leaves it out.
BODY_LIMITS: dict[str, list[tuple[str, Any, str, str]]] = {
    "putContentId": [("filePath", "", "filePath", NOT_EMPTY), ("title", "", "title", NOT_EMPTY),
                     ("priority", -1, "priority", at_least(0)),
                     ("priority", 100.5, "priority", below(100))],
    "patchContentId": [("priority", -0.5, "priority", at_least(0)),
                       ("priority", 10**30, "priority", below(100))],
    "patchContentIdDomains": [("attach", [""], "attach.0", NOT_EMPTY),
                              ("canonicalDomainId", "", "canonicalDomainId", NOT_EMPTY)],
    "postContentSearchOrgId": [("query", MISSING, "query", REQUIRED),
                               ("query", "", "query", NOT_EMPTY)],
    "postApps": [("name", MISSING, "name", REQUIRED), ("name", "", "name", NOT_EMPTY),
                 ("name", "x" * 121, "name", at_most(120)), ("slug", "", "slug", NOT_EMPTY),
                 ("slug", "Not-A-Slug", "slug", SLUG), ("slug", "a--b", "slug", SLUG),
                 ("slug", "a" * 121, "slug", at_most(120))],
    "patchAppsAppId": [("name", "", "name", NOT_EMPTY), ("name", "x" * 121, "name", at_most(120)),
                       ("slug", "-typed", "slug", SLUG), ("slug", "a" * 121, "slug", at_most(120))],
    "postAppsAppIdResources": [("resourceId", MISSING, "resourceId", REQUIRED),
                               ("resourceId", "", "resourceId", NOT_EMPTY),
                               ("resourceType", "brand", "resourceType", one_of("product"))],
    "deleteAppsAppIdResources": [("resourceId", MISSING, "resourceId", REQUIRED),
                                 ("resourceId", "", "resourceId", NOT_EMPTY),
                                 ("resourceType", "app", "resourceType", one_of("product"))],
    "postAppsAppIdDomains": [
        ("domain", MISSING, "domain", REQUIRED), ("domain", "", "domain", NOT_EMPTY),
        ("domain", "Typed.Example.com", "domain",
         pattern(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")),
        ("domain", "a." * 126 + "com", "domain", at_most(253)),
        ("type", "cname", "type", one_of("web", "metric", "redirect")),
        ("origin", "", "origin", NOT_EMPTY), ("origin", "x" * 2049, "origin", at_most(2048))],
    "patchAppsAppIdAppConfig": [("config", MISSING, "config", REQUIRED)],
    "putDomainIdRouting": [
        ("mode", MISSING, "mode", REQUIRED),
        ("mode", "mirror", "mode", one_of("full_shadow", "path_routing")),
        ("fallbackOrigin.url", MISSING, "fallbackOrigin.url", REQUIRED),
        ("fallbackOrigin.url", "", "fallbackOrigin.url", NOT_EMPTY),
        ("fallbackOrigin.url", "not a uri", "fallbackOrigin.url",
         "must be an absolute http(s) URL"),
        ("paths", [ROUTING["paths"][0]] * 101, "paths",
         "List should have at most 100 items after validation, not 101"),
        ("paths.0.id", "", "paths.0.id", NOT_EMPTY),
        ("paths.0.id", "x" * 129, "paths.0.id", at_most(128)),
        ("paths.0.pathPrefix", MISSING, "paths.0.pathPrefix", REQUIRED),
        ("paths.0.pathPrefix", "", "paths.0.pathPrefix", NOT_EMPTY),
        ("paths.0.pathPrefix", "docs", "paths.0.pathPrefix", pattern(r"^\/[^?#\s]*$")),
        ("paths.0.pathPrefix", "/docs?x", "paths.0.pathPrefix", pattern(r"^\/[^?#\s]*$")),
        ("paths.0.pathPrefix", "/" + "d" * 2048, "paths.0.pathPrefix", at_most(2048)),
        ("paths.0.destination", MISSING, "paths.0.destination", REQUIRED),
        ("paths.0.destination", {"type": "site"}, "paths.0.destination", ROUTING_TAGS),
        ("paths.0.destination", {"type": "app"}, "paths.0.destination.app.appId", REQUIRED),
        ("paths.0.destination", {"type": "app", "appId": ""}, "paths.0.destination.app.appId",
         NOT_EMPTY),
        ("paths.0.destination", {"type": "product", "appId": "app_123"},
         "paths.0.destination.product.productId", REQUIRED),
        ("paths.0.destination", {"type": "product", "productId": 7},
         "paths.0.destination.product.productId", "Input should be a valid string")],
    "postAppsAppIdRoutes": [
        ("path", MISSING, "path", REQUIRED), ("path", "", "path", NOT_EMPTY),
        ("path", "/a b", "path", ROUTE_PATH), ("path", "/a#b", "path", ROUTE_PATH),
        ("path", "/" + "p" * 2048, "path", at_most(2048)),
        ("targetType", "page", "targetType", one_of("product_document")),
        ("targetId", MISSING, "targetId", REQUIRED), ("targetId", "", "targetId", NOT_EMPTY)],
    "patchAppsAppIdRoutesRouteId": [
        ("path", "", "path", NOT_EMPTY), ("path", "/a?b", "path", ROUTE_PATH),
        ("targetType", "page", "targetType", one_of("product_document")),
        ("targetId", "", "targetId", NOT_EMPTY)],
    "postAppsAppIdRoutesBatch": [
        ("routes", MISSING, "routes", REQUIRED),
        ("routes", [], "routes", "List should have at least 1 item after validation, not 0"),
        ("routes", HUNDRED_AND_ONE, "routes",
         "List should have at most 100 items after validation, not 101"),
        ("routes.0.path", MISSING, "routes.0.path", REQUIRED),
        ("routes.0.path", "a b", "routes.0.path", ROUTE_PATH),
        ("routes.0.targetId", MISSING, "routes.0.targetId", REQUIRED),
        ("routes.0.targetId", "", "routes.0.targetId", NOT_EMPTY),
        ("routes.0.targetType", "page", "routes.0.targetType", one_of("product_document"))],
    "postAnalyticsEvents": [
        ("event", MISSING, "event", REQUIRED), ("event", "click", "event", one_of("page_visit")),
        ("page", MISSING, "page", REQUIRED), ("page.href", MISSING, "page.href", REQUIRED),
        ("properties", {"nested": {}}, "properties.nested",
         "Input should be a string, a number, a boolean or null"),
        ("properties", {"list": [1]}, "properties.list",
         "Input should be a string, a number, a boolean or null")],
    "postViews": [("name", MISSING, "name", REQUIRED), ("name", "", "name", NOT_EMPTY),
                  ("name", "x" * 101, "name", at_most(100)),
                  ("description", "d" * 501, "description", at_most(500)),
                  ("brandId", MISSING, "brandId", REQUIRED), ("brandId", "", "brandId", NOT_EMPTY)],
    "postProductsProductIdKnowledgeRetrieve": [("query", MISSING, "query", REQUIRED),
                                               ("query", "", "query", NOT_EMPTY)],
}
BODY_LIMITS["postDomainIdRoutingValidate"] = BODY_LIMITS["putDomainIdRouting"]
BODY_LIMITS["postAppsAppIdRoutesImportPreview"] = BODY_LIMITS["postAppsAppIdRoutesBatch"]

# Query parameters: every value the document's types refuse (a query value is always text,
# so these are integers, booleans, enums, minimum lengths and bounds): (name, value, message).
PAGE = [("page", "x", NOT_AN_INTEGER), ("page", "1.5", NOT_AN_INTEGER),
        ("page", "", NOT_AN_INTEGER), ("page", "0", at_least(1)), ("page", "-1", at_least(1))]
PAGE_SIZE_500 = [("pageSize", "x", NOT_AN_INTEGER), ("pageSize", "0", at_least(1)),
                 ("pageSize", "501", below(500))]
QUERY_LIMITS: dict[str, list[tuple[str, Any, str]]] = {
    "getContentByPath": [("brandId", MISSING, REQUIRED), ("brandId", "", NOT_EMPTY),
                         ("path", MISSING, REQUIRED), ("path", "", NOT_EMPTY)],
    "getAppsAppIdRouteCandidates": [
        ("productId", "", NOT_EMPTY), ("status", "live", one_of("draft", "published")),
        ("status", "", one_of("draft", "published")),
        ("includeRouted", "maybe", NOT_A_BOOLEAN), ("includeRouted", "", NOT_A_BOOLEAN)],
    "getAppsAppIdLlmsTxt": [],  # pathPrefix is any text: nothing to get wrong
    "getAnalyticsSov": [
        ("productId", "", NOT_EMPTY), ("brandId", "", NOT_EMPTY),
        ("by", "country", one_of("prompt", "topic", "engine")), ("promptId", "", NOT_EMPTY),
        ("topicId", "", NOT_EMPTY), ("engine", "", NOT_EMPTY), *PAGE,
        ("pageSize", "x", NOT_AN_INTEGER), ("pageSize", "0", at_least(1)),
        ("pageSize", "101", below(100)),
        ("sortBy", "date", one_of("sov", "mentions", "runs", "label")),
        ("sortDirection", "up", one_of("asc", "desc"))],
    "getAgentSimulationRuns": [("page", "x", NOT_AN_INTEGER), ("page", "1.5", NOT_AN_INTEGER),
                               ("pageSize", "many", NOT_AN_INTEGER),
                               ("pageSize", "", NOT_AN_INTEGER)],
    "getConversationQueries": [*PAGE, *PAGE_SIZE_500, ("limit", "x", NOT_AN_INTEGER),
                               ("limit", "0", at_least(1)), ("limit", "501", below(500))],
    "getViews": [*PAGE, *PAGE_SIZE_500],
}

# Where the emulator and the document disagree: input the document refuses that the emulator
# takes (in the tables above, marked by operation and field), and input the document takes
# that the emulator refuses (below: operation, change to the valid request, the 2xx due).
DOC_REFUSES_EMULATOR_TAKES: dict[tuple[str, str], str] = {
    ("patchContentIdDomains", "attach"): ("TPC documents domain ids as `format: uuid`; the "
                                          "emulator's ids (domain_123) are not UUIDs, so it "
                                          "takes any non-empty id"),
    ("patchContentIdDomains", "detach"): "as attach: `format: uuid` in TPC's document",
    ("patchContentIdDomains", "canonicalDomainId"): "as attach: `format: uuid` in TPC's document",
}
# Whole bodies with one non-UUID id each, which the emulator answers 200.
UUID_CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("patchContentIdDomains", "attach", {"attach": ["domain_694rkkds40jr2g03"]}, "attach.0"),
    ("patchContentIdDomains", "detach", {"detach": ["domain_694rkkds40jr2g03"]}, "detach.0"),
    ("patchContentIdDomains", "canonicalDomainId", {"canonicalDomainId": "domain_123"},
     "canonicalDomainId")]
DOC_TAKES: list[tuple[str, str, Any, str | None]] = [
    # (operation, field, value, why the emulator refuses it: None when it takes it)
    ("getAgentSimulationRuns", "page", "0",
     "TPC documents page as a bare integer; the emulator requires page >= 1"),
    ("getAgentSimulationRuns", "pageSize", "0",
     "TPC documents pageSize as a bare integer; the emulator requires pageSize >= 1"),
    ("getAgentSimulationRuns", "pageSize", str(10**6), None),
    ("putDomainIdRouting", "fallbackOrigin.url", "https://origin.example.com/" + "p" * 3000, None),
    ("putDomainIdRouting", "fallbackOrigin.url", "ftp://files.example.com/",
     ("TPC documents the fallback origin as `format: uri`; the emulator takes only absolute "
      "http(s) URLs")),
    ("putContentId", "priority", 50.5, None),
    ("patchContentId", "priority", 0.25, None),
]
