# SPDX-License-Identifier: LGPL-2.1-or-later
"""Client for the Makistry image-to-CAD HTTP API (the commercial service or our own server).

Submit 1-3 images as multipart, poll the job on the documented schedule (every 5 s for the first
30 s, then every 15 s), download the result from the ``download_url`` of the latest poll. 429 and
5xx answers are retried with exponential backoff that honours ``Retry-After``. No FreeCAD here.
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urljoin, urlsplit

from .. import errors
from ..options import JobOptions

API_KEY_ENV = "MAKISTRY_API_KEY"
BASE_URL_ENV = "MAKISTRY_API_URL"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"  # our own `serve`; set the service's URL instead
TERMINAL_STATUSES = ("success", "failed")

# Error codes of the client itself (the service's own codes are passed through unchanged).
API_UNAUTHORIZED = "unauthorized"
API_UNAVAILABLE = "service_unavailable"
API_TIMEOUT = "job_timeout"
API_BAD_RESPONSE = "bad_response"

_MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}

ProgressCallback = Callable[[float, str], None]


class ApiError(errors.MakistryError):
    """An error answered by the service (or the job's own failure), code and message as given."""

    def __init__(self, code: str, message: str, *, status_code: int | None = None,
                 job: dict | None = None):
        super().__init__(code, message)
        self.status_code = status_code
        self.job = job


@dataclass
class PollSchedule:
    """How often to poll: ``fast`` seconds during the first ``fast_period``, then ``slow``."""

    fast: float = 5.0
    fast_period: float = 30.0
    slow: float = 15.0
    timeout: float = 30 * 60.0  # assembly jobs take up to 15 min on the commercial service

    def interval(self, elapsed: float) -> float:
        return self.fast if elapsed < self.fast_period else self.slow


def resolve_api_key(explicit: str | None = None) -> str:
    """The key given, else ``MAKISTRY_API_KEY``; empty when neither is set."""
    return (explicit or os.environ.get(API_KEY_ENV, "")).strip()


def resolve_base_url(explicit: str | None = None) -> str:
    return (explicit or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def image_mime(data: bytes) -> str:
    from ..imaging.load import sniff_format

    return _MIME.get(sniff_format(data) or "", "application/octet-stream")


class MakistryClient:
    """One API endpoint and key. ``sleep`` and ``clock`` are injectable for tests of the
    schedule; ``transport`` is httpx's (for example a mounted test transport)."""

    def __init__(self, base_url: str | None = None, api_key: str | None = None, *,
                 schedule: PollSchedule | None = None, max_retries: int = 6,
                 backoff: float = 1.0, max_backoff: float = 60.0, timeout: float = 120.0,
                 verify: Any = True, transport=None,
                 sleep: Callable[[float], None] | None = None,
                 clock: Callable[[], float] = time.monotonic):
        try:
            import httpx
        except ImportError as exc:
            from .. import runtime

            raise errors.MakistryError(
                errors.MISSING_DEPENDENCY,
                "The remote service needs the Python package httpx. Install it with: "
                + runtime.install_command(["httpx"])) from exc
        self.base_url = resolve_base_url(base_url)
        self.api_key = resolve_api_key(api_key)
        self.schedule = schedule or PollSchedule()
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep
        self._clock = clock
        self._http = httpx.Client(timeout=timeout, verify=verify, transport=transport,
                                  follow_redirects=True)

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- plumbing -------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        if not self.api_key:
            raise ApiError(API_UNAUTHORIZED,
                           f"No API key: set it in the workbench preferences or in {API_KEY_ENV}.")
        return {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}

    def _wait(self, seconds: float, cancel: threading.Event | None) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
        elif cancel is not None:
            cancel.wait(seconds)
        else:
            time.sleep(seconds)
        if cancel is not None and cancel.is_set():
            raise errors.Cancelled()

    def _request(self, method: str, url: str, *, cancel: threading.Event | None = None,
                 auth: bool = True, **kwargs):
        """Send with retries on 429, 5xx and connection failures; raise ApiError otherwise."""
        import httpx

        headers = self._headers() if auth else {}
        attempt = 0
        while True:
            try:
                response = self._http.request(method, url, headers=headers, **kwargs)
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                if attempt >= self.max_retries:
                    raise ApiError(API_UNAVAILABLE, f"{method} {url} failed after "
                                   f"{attempt + 1} attempts: {exc}") from exc
                delay = None
            else:
                if response.status_code != 429 and response.status_code < 500:
                    return response
                if attempt >= self.max_retries:
                    raise _error_from_response(response)
                delay = retry_after_seconds(response.headers.get("Retry-After"))
            if delay is None:
                delay = min(self.max_backoff, self.backoff * 2 ** attempt)
                delay *= 0.5 + random.random() / 2  # jitter: clients do not retry in step
            attempt += 1
            self._wait(min(delay, self.max_backoff), cancel)

    def _json(self, response) -> dict:
        if response.status_code >= 400:
            raise _error_from_response(response)
        try:
            data = response.json()
        except ValueError as exc:
            raise ApiError(API_BAD_RESPONSE, f"{response.request.url} answered "
                           f"{response.status_code} with a body that is not JSON.",
                           status_code=response.status_code) from exc
        if not isinstance(data, dict):
            raise ApiError(API_BAD_RESPONSE, f"{response.request.url} answered a JSON "
                           f"{type(data).__name__}, not an object.")
        return data

    # -- the API --------------------------------------------------------------------------
    def submit(self, options: JobOptions, callback_url: str | None = None,
               cancel: threading.Event | None = None) -> dict:
        """POST the images and options; returns ``{"job_id": ..., "status": "queued"}``."""
        options.validate()
        files = [("image", (os.path.basename(image.name) or f"image{i}", image.data,
                            image_mime(image.data)))
                 for i, image in enumerate(options.images)]
        data = {"design_mode": options.design_mode, "output_format": options.output_format}
        if options.prompt:
            data["prompt"] = options.prompt
        if options.metadata:
            data["metadata_json"] = json.dumps(options.metadata)
        if callback_url:
            data["callback_url"] = callback_url
        response = self._request("POST", f"{self.base_url}/v1/image-to-cad", data=data,
                                 files=files, cancel=cancel)
        job = self._json(response)
        if not job.get("job_id"):
            raise ApiError(API_BAD_RESPONSE, f"The service accepted the job but sent no job_id: "
                           f"{json.dumps(job)[:200]}", status_code=response.status_code)
        return job

    def get_job(self, job_id: str, cancel: threading.Event | None = None) -> dict:
        return self._json(self._request("GET", f"{self.base_url}/v1/jobs/{job_id}",
                                        cancel=cancel))

    def cancel(self, job_id: str) -> bool:
        """Ask the service to cancel; False when it does not support or refuses it."""
        try:
            response = self._request("DELETE", f"{self.base_url}/v1/jobs/{job_id}")
        except ApiError:
            return False
        return response.status_code < 400

    def wait(self, job_id: str, progress: ProgressCallback | None = None,
             cancel: threading.Event | None = None) -> dict:
        """Poll until the job ends; return it on success, raise ApiError with the job's own
        ``error_code``/``error_message`` on failure, ``job_timeout`` past the schedule's limit."""
        start = self._clock()
        while True:
            if cancel is not None and cancel.is_set():
                self.cancel(job_id)
                raise errors.Cancelled()
            try:
                job = self.get_job(job_id, cancel)
            except errors.Cancelled:
                self.cancel(job_id)
                raise
            status = job.get("status")
            elapsed = self._clock() - start
            if progress:
                progress(_progress_fraction(status, elapsed, self.schedule),
                         f"Remote job {job_id}: {status}")
            if status == "success":
                return job
            if status == "failed":
                raise ApiError(job.get("error_code") or "failed",
                               job.get("error_message") or "The service reported a failure "
                               "without a message.", job=job)
            if status not in ("queued", "processing"):
                raise ApiError(API_BAD_RESPONSE, f"Job {job_id} has unknown status {status!r}.",
                               job=job)
            if elapsed >= self.schedule.timeout:
                self.cancel(job_id)
                raise ApiError(API_TIMEOUT, f"Job {job_id} was still {status} after "
                               f"{elapsed:.0f} s (the limit is {self.schedule.timeout:.0f} s).",
                               job=job)
            try:
                self._wait(min(self.schedule.interval(elapsed),
                               max(0.0, self.schedule.timeout - elapsed)), cancel)
            except errors.Cancelled:
                self.cancel(job_id)
                raise

    def download(self, job: dict, path: str, cancel: threading.Event | None = None) -> str:
        """Save the result of a finished job (its ``download_url``, fresh from the last poll)."""
        url = job.get("download_url")
        if not url:
            raise ApiError(API_BAD_RESPONSE, f"Job {job.get('job_id')} has no download_url.",
                           job=job)
        url = urljoin(self.base_url + "/", url)
        same_origin = urlsplit(url)[:2] == urlsplit(self.base_url)[:2]
        response = self._request("GET", url, auth=same_origin, cancel=cancel)
        if response.status_code >= 400:
            raise _error_from_response(response)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        tmp = path + ".part"
        with open(tmp, "wb") as handle:
            handle.write(response.content)
        os.replace(tmp, path)
        return path

    def run(self, options: JobOptions, path: str, *, callback_url: str | None = None,
            progress: ProgressCallback | None = None,
            cancel: threading.Event | None = None) -> tuple[dict, str]:
        """Submit, wait and download to ``path``; returns the final job and the path."""
        if progress:
            progress(0.01, "Uploading")
        job = self.submit(options, callback_url=callback_url, cancel=cancel)
        final = self.wait(job["job_id"], progress, cancel)
        if progress:
            progress(0.95, "Downloading")
        try:
            return final, self.download(final, path, cancel)
        except ApiError as exc:
            if exc.status_code not in (403, 404, 410):
                raise
        # The signed URL expired between the poll and the download: poll once more for a fresh one.
        final = self.get_job(final["job_id"], cancel)
        return final, self.download(final, path, cancel)


def _progress_fraction(status: str | None, elapsed: float, schedule: PollSchedule) -> float:
    if status == "success":
        return 0.9
    if status == "processing":
        return min(0.85, 0.1 + 0.75 * elapsed / max(schedule.timeout / 4, 1.0))
    return 0.05


def _error_from_response(response) -> ApiError:
    """The service's own error code and message when it sent them, else a plain description."""
    code, message = None, None
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        nested = body.get("error") if isinstance(body.get("error"), dict) else {}
        code = body.get("error_code") or nested.get("code") or (
            body.get("error") if isinstance(body.get("error"), str) else None)
        message = body.get("error_message") or nested.get("message") or body.get("detail")
    if not code:
        code = {401: API_UNAUTHORIZED, 403: API_UNAUTHORIZED, 429: "rate_limited"}.get(
            response.status_code, API_UNAVAILABLE if response.status_code >= 500 else
            API_BAD_RESPONSE)
    if not message:
        message = (f"{response.request.method} {response.request.url} answered "
                   f"{response.status_code}: {response.text[:200]}")
    return ApiError(str(code), str(message), status_code=response.status_code)
