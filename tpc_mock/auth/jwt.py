"""better-auth's jwt plugin as the OAuth provider uses it: one Ed25519 key, EdDSA JWTs, JWKS.

The key pair is made on first use and kept in the `jwks` table, its private half sealed
under the server's secret (better-auth also encrypts it); a reset makes a new one.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..runtime import Runtime
from .secrets import new_token, seal_token, unseal_token

KEY_ID = "current"  # the one key's record id in the `jwks` table


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key_record(rt: Runtime) -> dict[str, Any]:
    record = rt.store.get("jwks", KEY_ID)
    if record is not None:
        return record
    with rt.store.lock:
        record = rt.store.get("jwks", KEY_ID)
        if record is None:
            private = Ed25519PrivateKey.generate()
            kid = new_token(32)
            raw = private.private_bytes_raw()
            record = rt.store.insert("jwks", {
                "id": KEY_ID, "kid": kid, "x": b64url(private.public_key().public_bytes_raw()),
                "privateKeySealed": seal_token(rt.config.secret, b64url(raw), kid)})
    return record


def public_jwks(rt: Runtime) -> dict[str, Any]:
    """`{keys: [...]}` as better-auth's /jwks serves it."""
    record = _key_record(rt)
    return {"keys": [{"alg": "EdDSA", "crv": "Ed25519", "x": record["x"], "kty": "OKP",
                      "kid": record["kid"]}]}


def sign_jwt(rt: Runtime, claims: dict[str, Any], typ: str = "at+jwt") -> str:
    """An EdDSA-signed compact JWT of `claims`."""
    record = _key_record(rt)
    sealed = unseal_token(rt.config.secret, record["privateKeySealed"], record["kid"])
    if sealed is None:  # the secret changed under a stored key: start over with a new one
        rt.store.remove("jwks", KEY_ID)
        return sign_jwt(rt, claims, typ)
    private = Ed25519PrivateKey.from_private_bytes(unb64url(sealed))
    header = {"typ": typ, "alg": "EdDSA", "kid": record["kid"]}
    signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "."
                     + b64url(json.dumps(claims, separators=(",", ":")).encode()))
    return signing_input + "." + b64url(private.sign(signing_input.encode("ascii")))


def looks_like_jwt(value: str) -> bool:
    """Three base64url parts whose header parses: a JWT, not a signed session token."""
    return value.count(".") == 2 and decode_header(value) is not None


def decode_header(token: str) -> dict[str, Any] | None:
    try:
        header = json.loads(unb64url(token.split(".", 1)[0]))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return header if isinstance(header, dict) else None


def verify_jwt(rt: Runtime, token: str) -> dict[str, Any] | None:
    """The claims of a JWT signed with this server's key, else None (expiry not checked)."""
    header = decode_header(token)
    record = rt.store.get("jwks", KEY_ID)
    if header is None or record is None or header.get("alg") != "EdDSA" \
            or header.get("kid") != record["kid"]:
        return None
    head, payload, signature = token.split(".")
    try:
        Ed25519PublicKey.from_public_bytes(unb64url(record["x"])).verify(
            unb64url(signature), f"{head}.{payload}".encode("ascii"))
        claims = json.loads(unb64url(payload))
    except (InvalidSignature, ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None
