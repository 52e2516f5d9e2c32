"""Secret material: API keys, token digests, better-auth cookie signatures, passwords."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import unicodedata
from urllib.parse import quote, unquote

API_KEY_PREFIX = "tpc_"
API_KEY_LETTERS = string.ascii_letters
TOKEN_ALPHABET = string.ascii_letters + string.digits


def new_api_key(rand: secrets.SystemRandom | None = None) -> str:
    """`tpc_` + 64 letters."""
    rng = rand or secrets.SystemRandom()
    return API_KEY_PREFIX + "".join(rng.choice(API_KEY_LETTERS) for _ in range(64))


def new_token(length: int = 32, rand: secrets.SystemRandom | None = None) -> str:
    """An opaque alphanumeric token (sessions, bearer tokens, device codes)."""
    rng = rand or secrets.SystemRandom()
    return "".join(rng.choice(TOKEN_ALPHABET) for _ in range(length))


def digest(secret: str) -> str:
    """base64url(SHA-256(secret)) without padding: how keys and tokens are stored."""
    raw = hashlib.sha256(secret.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def same_digest(a: str, b: str) -> bool:
    """Constant-time comparison of two digests."""
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


def cookie_signature(secret: str, token: str) -> str:
    """base64(HMAC-SHA256(secret, token)), standard alphabet with padding, as better-auth."""
    mac = hmac.new(secret.encode("utf-8"), token.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(mac).decode("ascii")


def sign_cookie_value(secret: str, token: str) -> str:
    """The cookie value better-auth sets: URL-encoded `token.signature`."""
    return quote(f"{token}.{cookie_signature(secret, token)}", safe="")


def unsign_cookie_value(secret: str, value: str) -> str | None:
    """The token inside a signed cookie value, or None when the signature is wrong."""
    decoded = unquote(value)
    token, dot, signature = decoded.rpartition(".")
    if not dot or not token or len(signature) != 44 or not signature.endswith("="):
        return None
    expected = cookie_signature(secret, token)
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return None
    return token


def _keystream(secret: str, salt: str, length: int) -> bytes:
    blocks = b""
    counter = 0
    while len(blocks) < length:
        blocks += hmac.new(secret.encode("utf-8"), f"seal:{counter}:{salt}".encode(),
                           hashlib.sha256).digest()
        counter += 1
    return blocks[:length]


def seal_token(secret: str, token: str, salt: str) -> str:
    """`token` encrypted under the server secret (XOR with an HMAC keystream), base64url.

    Sessions keep their token this way rather than in the clear, so list-sessions can
    show it (as better-auth does) while the data file holds no usable credential.
    """
    raw = token.encode("utf-8")
    sealed = bytes(a ^ b for a, b in zip(raw, _keystream(secret, salt, len(raw))))
    return base64.urlsafe_b64encode(sealed).decode("ascii").rstrip("=")


def unseal_token(secret: str, sealed: str, salt: str) -> str | None:
    """The token `seal_token` sealed, or None when it does not decode to one."""
    try:
        raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
        token = bytes(a ^ b for a, b in zip(raw, _keystream(secret, salt, len(raw))))
        return token.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def _signature_bytes(signature: str) -> bytes | None:
    """A signature in standard or URL-safe base64, padded or not (better-auth's HMAC
    verify decodes either), as raw bytes; None when it is not base64 at all."""
    text = signature.replace("-", "+").replace("_", "/").rstrip("=")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except ValueError:
        return None


def unsign_bearer_value(secret: str, value: str) -> str | None:
    """The token of a `token.signature` bearer value (URL-encoded or not), or None.

    As better-auth's bearer plugin reads it: the token before the first dot, the
    signature after it, checked with HMAC-SHA256 under the server's secret.
    """
    decoded = unquote(value) if "%" in value else value
    parts = decoded.split(".")
    token, signature = parts[0], parts[1]
    given = _signature_bytes(signature)
    mac = hmac.new(secret.encode("utf-8"), token.encode("utf-8"), hashlib.sha256).digest()
    if not token or given is None or not hmac.compare_digest(mac, given):
        return None
    return token


def hash_password(password: str, salt: bytes | None = None) -> str:
    """scrypt as better-auth stores it: hex salt `:` hex key (N=16384, r=16, p=1, 64 bytes)."""
    salt = salt or secrets.token_bytes(16)
    key = hashlib.scrypt(
        unicodedata.normalize("NFKC", password).encode("utf-8"),
        salt=salt.hex().encode(),
        n=16384,
        r=16,
        p=1,
        dklen=64,
        maxmem=128 * 16384 * 16 * 2,
    )
    return f"{salt.hex()}:{key.hex()}"


def verify_password(stored: str, password: str) -> bool:
    """Check a password against `hash_password`'s output in constant time."""
    salt_hex, _, key_hex = stored.partition(":")
    try:
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    return hmac.compare_digest(hash_password(password, salt), f"{salt_hex}:{key_hex}")
