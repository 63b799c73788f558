# SPDX-License-Identifier: LGPL-2.1-or-later
"""Webhook delivery: the finished job POSTed to its ``callback_url``, signed with HMAC-SHA256,
retried with exponential backoff; the outcome is kept on the job (and resumed after a restart)."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import ssl
from urllib.parse import urlsplit, urlunsplit

from ..signing import WEBHOOK_SIGNATURE_HEADER, sign_webhook
from .config import Settings
from .store import JobStore
from .validation import RequestError, resolve_callback

log = logging.getLogger("makistry.server")


def pinned(url: str, address: str) -> tuple[str, dict, dict]:
    """``url`` sent to ``address``: the URL with the IP in place of the host name, the Host
    header, and the TLS server name, so the certificate is still checked against the name."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
        return url, {}, {}  # already an address: nothing to pin
    except ValueError:
        pass
    literal = f"[{address}]" if ":" in address else address
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (f"{userinfo}@" if userinfo else "") + literal + (
        f":{parts.port}" if parts.port else "")
    target = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    name = host.encode("idna").decode("ascii")  # headers and TLS names are ASCII
    host_header = name + (f":{parts.port}" if parts.port else "")
    return target, {"Host": host_header}, {"sni_hostname": name}


class WebhookSender:
    def __init__(self, settings: Settings, store: JobStore, job_body):
        self.settings = settings
        self.store = store
        self.job_body = job_body  # function(row) -> the job's JSON answer
        self._tasks: set[asyncio.Task] = set()
        self._client = None

    def _http(self):
        import httpx

        if self._client is None:
            verify = ssl.create_default_context()
            if self.settings.webhook_ca_file:
                verify.load_verify_locations(self.settings.webhook_ca_file)
            # No pooled connections: the pool matches them by origin, which is the pinned IP,
            # so a second host on the same IP would reuse a session checked for the first.
            self._client = httpx.AsyncClient(timeout=10.0, verify=verify,
                                             follow_redirects=False,
                                             limits=httpx.Limits(max_keepalive_connections=0))
        return self._client

    async def _post_to_any(self, url: str, addresses: list[str], body: bytes, headers: dict):
        """POST to the first of ``addresses`` (in the resolver's order) that takes a
        connection, as a client connecting by name would."""
        import httpx

        for number, address in enumerate(addresses):
            target, pin_headers, extensions = pinned(url, address)
            try:
                return await self._http().post(target, content=body,
                                               headers={**headers, **pin_headers},
                                               extensions=extensions)
            except httpx.ConnectError:
                if number == len(addresses) - 1:
                    raise

    def schedule(self, job_id: str) -> None:
        task = asyncio.create_task(self.deliver(job_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()

    async def deliver(self, job_id: str) -> bool:
        row = self.store.get(job_id)
        if row is None or not row["callback_url"] or row["webhook_status"] != "pending":
            return False
        url = row["callback_url"]
        body = json.dumps(dict(self.job_body(row), event="job.finished")).encode("utf-8")
        attempts = row["webhook_attempts"]
        error = None
        while attempts <= self.settings.webhook_retries:
            if attempts:
                await asyncio.sleep(self.settings.webhook_backoff_s * 2 ** (attempts - 1))
            attempts += 1
            try:
                # Checked again at delivery (the name may resolve elsewhere than at submission),
                # and the request goes to the address checked, not to a second lookup.
                addresses = await asyncio.to_thread(resolve_callback, url,
                                                    self.settings.callback_allow)
                headers = {
                    "Content-Type": "application/json",
                    "User-Agent": "makistry_wb-webhook",
                    WEBHOOK_SIGNATURE_HEADER: sign_webhook(self.settings.webhook_secret, body),
                    "X-Makistry-Job-Id": job_id,
                    "X-Makistry-Delivery-Attempt": str(attempts),
                }
                response = await self._post_to_any(url, addresses, body, headers)
            except RequestError as exc:
                error = exc.message
                break  # a refused address stays refused
            except Exception as exc:  # network failures of every kind are retried
                error = f"{type(exc).__name__}: {exc}"
            else:
                if 200 <= response.status_code < 300:
                    self.store.webhook_result(job_id, "delivered", attempts, None)
                    log.info("webhook %s delivered (attempt %d)", job_id, attempts)
                    return True
                error = f"the receiver answered {response.status_code}"
            self.store.webhook_result(job_id, "pending", attempts, error)
            log.warning("webhook %s attempt %d failed: %s", job_id, attempts, error)
        self.store.webhook_result(job_id, "failed", attempts, error)
        return False
