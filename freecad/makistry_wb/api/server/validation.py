# SPDX-License-Identifier: LGPL-2.1-or-later
"""Request checks of ``POST /v1/image-to-cad``, each failure an HTTP status, a code and a reason.

The rules themselves are the project's (options.py, imaging.load.sniff_format); this module maps
them onto HTTP and adds the rules only a server has (bearer token, callback address).
"""

from __future__ import annotations

import hmac
import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ... import errors
from ...imaging.load import sniff_format
from ...options import (
    DESIGN_MODES,
    MAX_IMAGE_BYTES,
    OUTPUT_FORMATS,
    ImageInput,
    JobOptions,
    check_image_count,
    parse_metadata_json,
)

UNAUTHORIZED = "unauthorized"
MALFORMED_REQUEST = "malformed_request"
CALLBACK_NOT_ALLOWED = "callback_not_allowed"
MAX_PROMPT_CHARS = 4000
MAX_METADATA_BYTES = 64 * 1024
# Upper bound of a well-formed request: 3 images and the small fields, with multipart overhead.
MAX_BODY_BYTES = 3 * MAX_IMAGE_BYTES + 512 * 1024
FORM_FIELDS = ("design_mode", "output_format", "callback_url", "prompt", "metadata_json")

_STATUS_BY_CODE = {
    errors.NO_IMAGE: 400,
    errors.TOO_MANY_IMAGES: 400,
    errors.INVALID_OPTION: 400,
    errors.FILE_TOO_LARGE: 413,
    errors.UNSUPPORTED_TYPE: 415,
    UNAUTHORIZED: 401,
    MALFORMED_REQUEST: 400,
    CALLBACK_NOT_ALLOWED: 400,
}


class RequestError(Exception):
    """An HTTP error answer: ``{"error_code": code, "error_message": message}``."""

    def __init__(self, status: int, code: str, message: str, field_name: str | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field_name
        self.headers = headers or {}

    @classmethod
    def from_makistry(cls, exc: errors.MakistryError, field_name: str | None = None):
        return cls(_STATUS_BY_CODE.get(exc.code, 400), exc.code, exc.message, field_name)

    def body(self) -> dict:
        data = {"error_code": self.code, "error_message": self.message}
        if self.field:
            data["field"] = self.field
        return data


@dataclass
class Submission:
    options: JobOptions
    callback_url: str | None = None
    formats: list[str] = field(default_factory=list)  # sniffed type of each image


def check_bearer(authorization: str | None, api_keys: tuple[str, ...]) -> str:
    """The caller's key when ``Authorization: Bearer <key>`` names a configured key."""
    if not authorization:
        raise RequestError(401, UNAUTHORIZED, "Missing Authorization header: send "
                           "'Authorization: Bearer <your API key>'.",
                           headers={"WWW-Authenticate": "Bearer"})
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise RequestError(401, UNAUTHORIZED, "The Authorization header must be "
                           "'Bearer <your API key>'.", headers={"WWW-Authenticate": "Bearer"})
    if not any(hmac.compare_digest(token.encode(), key.encode()) for key in api_keys):
        raise RequestError(401, UNAUTHORIZED, "The API key is not valid for this server.",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return token


def _text_field(form, name: str) -> str | None:
    values = form.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise RequestError(400, errors.INVALID_OPTION, f"{name} was sent {len(values)} times; "
                           "send it once.", name)
    value = values[0]
    if not isinstance(value, str):
        raise RequestError(400, errors.INVALID_OPTION, f"{name} must be a text field, not a "
                           "file upload.", name)
    return value


async def read_submission(form) -> Submission:
    """Check a parsed multipart form (Starlette FormData) and build the job options."""
    uploads = form.getlist("image")
    try:
        check_image_count(len(uploads))
    except errors.MakistryError as exc:
        raise RequestError.from_makistry(exc, "image") from exc
    images, formats = [], []
    for index, upload in enumerate(uploads):
        if isinstance(upload, str):
            raise RequestError(400, errors.INVALID_OPTION, f"image #{index + 1} is a text field; "
                               "send each image as a file part (curl: -F image=@part.png).",
                               "image")
        name = upload.filename or f"image{index + 1}"
        data = await upload.read(MAX_IMAGE_BYTES + 1)
        if len(data) > MAX_IMAGE_BYTES:
            raise RequestError(413, errors.FILE_TOO_LARGE, f"{name} is over the limit of "
                               f"{MAX_IMAGE_BYTES // (1024 * 1024)} MB per image. Save it smaller "
                               "(PNG or JPEG) and send it again.", "image")
        kind = sniff_format(data)
        if kind is None:
            what = "is empty" if not data else "is not a PNG, JPEG, WebP or GIF image"
            raise RequestError(415, errors.UNSUPPORTED_TYPE, f"{name} {what} (the type is read "
                               "from the content, not the name or the declared type). Export "
                               "the drawing as PNG or JPEG.", "image")
        images.append(ImageInput(name=name, data=data))
        formats.append(kind)

    design_mode = _text_field(form, "design_mode") or "standard"
    if design_mode not in DESIGN_MODES:
        raise RequestError(400, errors.INVALID_OPTION, f"design_mode {design_mode!r} is not one "
                           f"of {', '.join(DESIGN_MODES)}.", "design_mode")
    output_format = _text_field(form, "output_format") or "STEP"
    if output_format not in OUTPUT_FORMATS:
        raise RequestError(400, errors.INVALID_OPTION, f"output_format {output_format!r} is not "
                           f"one of {', '.join(OUTPUT_FORMATS)}.", "output_format")
    prompt = _text_field(form, "prompt") or ""
    if len(prompt) > MAX_PROMPT_CHARS:
        raise RequestError(400, errors.INVALID_OPTION, f"prompt is {len(prompt)} characters; "
                           f"the limit is {MAX_PROMPT_CHARS}.", "prompt")
    metadata_text = _text_field(form, "metadata_json")
    if metadata_text and len(metadata_text.encode("utf-8")) > MAX_METADATA_BYTES:
        raise RequestError(400, errors.INVALID_OPTION, "metadata_json is over "
                           f"{MAX_METADATA_BYTES // 1024} KB.", "metadata_json")
    try:
        metadata = parse_metadata_json(metadata_text)
    except errors.MakistryError as exc:
        raise RequestError.from_makistry(exc, "metadata_json") from exc
    callback_url = _text_field(form, "callback_url") or None
    if callback_url is not None:
        check_callback_syntax(callback_url)
    options = JobOptions(images=images, prompt=prompt, design_mode=design_mode,
                         output_format=output_format, metadata=metadata)
    return Submission(options=options, callback_url=callback_url, formats=formats)


def check_callback_syntax(url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError on a bad port
    except ValueError as exc:
        raise RequestError(400, errors.INVALID_OPTION, f"callback_url {url!r} is not a valid URL "
                           f"({exc}).", "callback_url") from exc
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise RequestError(400, errors.INVALID_OPTION, "callback_url must be an https:// URL "
                           f"with a host name; got {url[:200]!r}.", "callback_url")
    if parts.username or parts.password:
        raise RequestError(400, errors.INVALID_OPTION, "callback_url must not carry a user name "
                           "or password.", "callback_url")


def refused_address(address: str, allowed: list) -> str | None:
    """Why a callback may not go to ``address`` (None when it may)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    if any(ip in network for network in allowed):
        return None
    for test, what in ((ip.is_loopback, "loopback"), (ip.is_link_local, "link-local"),
                       (ip.is_private, "private"), (ip.is_multicast, "multicast"),
                       (ip.is_unspecified, "unspecified"), (ip.is_reserved, "reserved")):
        if test:
            return f"{address} is a {what} address"
    if not ip.is_global:
        return f"{address} is not a public address"
    return None


def resolve_callback(url: str, allowed: list) -> list[str]:
    """Resolve the callback host; refuse it when any address is private, link-local or loopback
    (unless the operator allowed that network). Blocking: call it off the event loop."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise RequestError(400, CALLBACK_NOT_ALLOWED, f"callback_url host {host!r} does not "
                           f"resolve ({exc}).", "callback_url") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))  # the resolver's order
    for address in addresses:
        reason = refused_address(address, allowed)
        if reason:
            raise RequestError(400, CALLBACK_NOT_ALLOWED, f"callback_url host {host!r} resolves "
                               f"to {reason}; webhooks go only to public addresses unless the "
                               "operator allows the network (MAKISTRY_CALLBACK_ALLOW).",
                               "callback_url")
    return addresses
