"""What each operation answers: the `data` of its 2xx envelope, by operationId.

The handlers return plain dicts and lists; these TypedDicts describe them, the OpenAPI
document turns them into its response schemas, and the test suite checks every answer
against that document. An operation's declaration may carry its shape itself
(`@operation(..., response=...)`); RESPONSES is where the shapes of the operations
declared without one live until then.
"""

from __future__ import annotations

from typing import Any

from .apps import (
    App,
    AppConfig,
    AppDetail,
    AppDomain,
    AppResource,
    CreatedApp,
    DetachedAppResource,
    ListedAppResource,
    RenamedAppResource,
)
from .common import DeletedRecord
from .content import (
    ContentByPath,
    ContentCount,
    ContentDomains,
    ContentRecord,
    ContentSearchResult,
    ContentText,
    MarkdownDocument,
)
from .insights import (
    AnalyticsEventAck,
    ConversationQueries,
    ShareOfVoice,
    SimulationRuns,
    View,
    Views,
)
from .internal import Me, Organizations, Products
from .knowledge import KnowledgeResult
from .routes import AppRoute, RouteCandidates, RouteImportPreview, RoutesCreated
from .routing import RoutingState, RoutingValidation
from .site_pages import SitePageList, SitePagesCreated, SitePagesDeleted, SitePagesUpdated

RESPONSES: dict[str, Any] = {
    # site pages
    "getSitePages": SitePageList,
    "postSitePages": SitePagesCreated,
    "patchSitePages": SitePagesUpdated,
    "deleteSitePages": SitePagesDeleted,
    # markdown
    "getMdByPath": MarkdownDocument,
    "getMdByPathPath": MarkdownDocument,
    "getMdId": MarkdownDocument,
    # content
    "getContentId": ContentText,
    "putContentId": ContentRecord,
    "patchContentId": ContentRecord,
    "getContentByPath": ContentByPath,
    "patchContentIdDomains": ContentDomains,
    "postContentSearchOrgId": ContentSearchResult,
    "getContentCountOrgId": ContentCount,
    # apps
    "getApps": list[App],
    "postApps": CreatedApp,
    "getAppsAppId": AppDetail,
    "patchAppsAppId": App,
    "deleteAppsAppId": DeletedRecord,
    "getAppsAppIdResources": list[ListedAppResource],
    "postAppsAppIdResources": AppResource,
    "deleteAppsAppIdResources": DetachedAppResource,
    "patchAppsAppIdResourcesResourceId": RenamedAppResource,
    "getAppsAppIdDomains": list[AppDomain],
    "postAppsAppIdDomains": AppDomain,
    "deleteAppsAppIdDomainsDomainId": DeletedRecord,
    "getAppsAppIdAppConfig": AppConfig,
    "patchAppsAppIdAppConfig": AppConfig,
    # app routes
    "getAppsAppIdRouteCandidates": RouteCandidates,
    "getAppsAppIdRoutes": list[AppRoute],
    "postAppsAppIdRoutes": AppRoute,
    "patchAppsAppIdRoutesRouteId": AppRoute,
    "deleteAppsAppIdRoutesRouteId": DeletedRecord,
    "postAppsAppIdRoutesImportPreview": RouteImportPreview,
    "postAppsAppIdRoutesBatch": RoutesCreated,
    # domain routing
    "getDomainIdRouting": RoutingState,
    "putDomainIdRouting": RoutingState,
    "deleteDomainIdRouting": RoutingState,
    "postDomainIdRoutingValidate": RoutingValidation,
    "postDomainIdRoutingPublish": RoutingState,
    # insights
    "postAnalyticsEvents": AnalyticsEventAck,
    "getAnalyticsSov": ShareOfVoice,
    "getAgentSimulationRuns": SimulationRuns,
    "getConversationQueries": ConversationQueries,
    "getViews": Views,
    "postViews": View,
    # knowledge
    "postProductsProductIdKnowledgeRetrieve": KnowledgeResult,
    # internal
    "getMe": Me,
    "getOrganizations": Organizations,
    "getProducts": Products,
}

# Error statuses an operation answers that its declaration does not show (openapi.py
# derives the rest): the tenant headers markdown needs (400), routing refused for a
# domain that is not a web domain or has nothing saved to publish (422).
EXTRA_ERRORS: dict[str, tuple[int, ...]] = {
    "getMdByPath": (400,),
    "getMdByPathPath": (400,),
    "getDomainIdRouting": (422,),
    "deleteDomainIdRouting": (422,),
    "postDomainIdRoutingPublish": (422,),
}
