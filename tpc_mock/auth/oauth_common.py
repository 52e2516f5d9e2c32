"""What the OAuth 2.1 modules share: errors, the issuer, the protected resource, scopes."""

from __future__ import annotations

from typing import Any

from ..runtime import Runtime
from .scopes import SCOPES
from .sessions import BetterAuthError

OFFLINE_ACCESS = "offline_access"
CODE_SECONDS = 600  # oauth-provider's codeExpiresIn
ACCESS_TOKEN_SECONDS = 3600  # accessTokenExpiresIn
REFRESH_TOKEN_SECONDS = 30 * 24 * 3600  # refreshTokenExpiresIn
REFRESH_REUSE_SECONDS = 30  # @better-auth/mcp's refreshTokenReuseInterval
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class OAuthError(BetterAuthError):
    """An OAuth error as the provider answers it: `{"error", "error_description"}`."""

    def __init__(self, error: str, description: str | None, status: int = 400, *,
                 no_store: bool = True) -> None:
        super().__init__(status, "OAUTH_" + error.upper(), description or error,
                         reason=f"{error}: {description}")
        self.error = error
        self.description = description
        if no_store:
            self.headers.update(NO_STORE)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.error}
        if self.description is not None:
            body["error_description"] = self.description
        return body

    def body_on(self, path: str) -> dict[str, Any]:
        return self.body()  # RFC 6749's shape on every path


def issuer(rt: Runtime) -> str:
    """The authorization server's issuer: the server's base URL + /api/auth."""
    return rt.config.public_url + "/api/auth"


def resource_url(rt: Runtime) -> str:
    """The protected resource access tokens are bound to: the public API."""
    return rt.config.public_url + "/api/v1"


def supported_scopes() -> tuple[str, ...]:
    """TPC's scope catalog, plus offline_access for refresh tokens."""
    return (*SCOPES, OFFLINE_ACCESS)
