# SPDX-License-Identifier: LGPL-2.1-or-later
"""HMAC signatures: expiring download URLs and webhook bodies (stdlib only).

A webhook receiver checks ``X-Makistry-Signature: t=<unix time>,v1=<hex>`` where the hex is
HMAC-SHA256(secret, "<t>.<raw body>"), with :func:`verify_webhook_signature`.
"""

from __future__ import annotations

import hashlib
import hmac
import time

WEBHOOK_SIGNATURE_HEADER = "X-Makistry-Signature"


def _hmac_hex(key: bytes, message: str | bytes) -> str:
    if isinstance(message, str):
        message = message.encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sign_download(key: bytes, job_id: str, filename: str, expires: int) -> str:
    return _hmac_hex(key, f"download\n{job_id}\n{filename}\n{expires}")


def check_download(key: bytes, job_id: str, filename: str, expires: str | None,
                   signature: str | None, now: float | None = None) -> str | None:
    """None when the URL is genuine and unexpired, else the reason it is refused."""
    if not expires or not signature:
        return "the URL has no expires or signature parameter"
    try:
        expires_at = int(expires)
    except ValueError:
        return "the expires parameter is not a number"
    expected = sign_download(key, job_id, filename, expires_at)
    # Bytes: compare_digest refuses str with non-ASCII characters (a forged URL may have them).
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return "the signature does not match"
    if (time.time() if now is None else now) > expires_at:
        return "the URL has expired"
    return None


def sign_webhook(secret: bytes, body: bytes, timestamp: int | None = None) -> str:
    """The value of the ``X-Makistry-Signature`` header for ``body``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={_hmac_hex(secret, str(timestamp).encode() + b'.' + body)}"


def verify_webhook_signature(secret: bytes, header: str | None, body: bytes,
                             tolerance_s: float = 300.0, now: float | None = None) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and is at most ``tolerance_s`` old."""
    if not header:
        return False
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance_s:
        return False
    expected = _hmac_hex(secret, str(timestamp).encode() + b"." + body)
    return hmac.compare_digest(expected.encode(), parts.get("v1", "").encode("utf-8", "replace"))
