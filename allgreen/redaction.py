"""Mask secrets (passwords in URLs, bearer tokens) before any text leaves allgreen."""

from __future__ import annotations

import re
from typing import Any

MASK = "***"

# scheme://user:password@host — the password is everything up to the last '@'
# before the host, so passwords containing ':' or '@' are masked whole.
_URL_PASSWORD = re.compile(
    r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/?#@\s]*:)(?P<secret>[^\s/?#]*)@"
)
# pytest shortens long values with "...": a password may lose its start or its end.
_CUT_BEFORE_AT = re.compile(r"\.\.\.[^\s@'\"/]*@")
_CUT_AFTER_COLON = re.compile(
    r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/?#@\s]*:)[^\s@/?#]*\.\.\."
)
_QUERY_SECRET = re.compile(
    r"(?P<head>[?&](?:password|passwd|pwd|token|secret|api_key)=)[^&#\s]+", re.I
)
_BEARER = re.compile(r"(?P<head>\bBearer\s+)[A-Za-z0-9._~+/=-]+")


def mask_secrets(text: str) -> str:
    """Return ``text`` with URL passwords, secret query values and bearer tokens masked."""
    if not text:
        return text
    text = _URL_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}@", text)
    text = _CUT_AFTER_COLON.sub(lambda m: f"{m.group('head')}{MASK}...", text)
    text = _CUT_BEFORE_AT.sub(f"...{MASK}@", text)
    text = _QUERY_SECRET.sub(lambda m: f"{m.group('head')}{MASK}", text)
    return _BEARER.sub(lambda m: f"{m.group('head')}{MASK}", text)


def mask_deep(value: Any) -> Any:
    """Return ``value`` (str, list, dict, nested) with every string passed through :func:`mask_secrets`."""
    if isinstance(value, str):
        return mask_secrets(value)
    if isinstance(value, list | tuple):
        return type(value)(mask_deep(item) for item in value)
    if isinstance(value, dict):
        return {key: mask_deep(item) for key, item in value.items()}
    return value
