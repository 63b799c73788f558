# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Starlette application: the routes of the image-to-CAD API over the job store."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import time
from datetime import datetime, timezone

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Route

from ... import __version__, errors
from ..signing import check_download, sign_download
from . import openapi
from .config import Settings
from .store import JobStore, key_hash, new_job_id
from .validation import (
    MALFORMED_REQUEST,
    MAX_BODY_BYTES,
    RequestError,
    check_bearer,
    read_submission,
    resolve_callback,
)
from .webhooks import WebhookSender
from .worker import WorkerPool, job_dir

log = logging.getLogger("makistry.server")
QUEUE_FULL = "queue_full"
JOB_NOT_FOUND = "job_not_found"
_MEDIA_TYPES = {".step": "model/step", ".stl": "model/stl", ".glb": "model/gltf-binary",
                ".3mf": "model/3mf"}
_INPUT_SUFFIXES = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "GIF": ".gif"}


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat().replace("+00:00", "Z")


class Service:
    """The server's state: settings, job store, workers and webhook sender."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.store: JobStore | None = None
        self.pool: WorkerPool | None = None
        self.webhooks: WebhookSender | None = None
        self.ready = False

    def default_base_url(self) -> str:
        if self.settings.public_url:
            return self.settings.public_url
        host = self.settings.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.settings.port}"

    def job_body(self, row, base_url: str | None = None) -> dict:
        """The job as the API answers it; the download URL is signed afresh on every call."""
        base_url = (base_url or self.default_base_url()).rstrip("/")
        body = {
            "job_id": row["id"],
            "status": row["status"],
            "design_mode": row["design_mode"],
            "output_format": row["output_format"],
            "metadata": json.loads(row["metadata_json"]),
            "created_at": _iso(row["created_at"]),
            "started_at": _iso(row["started_at"]),
            "finished_at": _iso(row["finished_at"]),
            "attempts": row["attempts"],
        }
        if row["prompt"]:
            body["prompt"] = row["prompt"]
        expired = (row["status"] == "success" and row["result_file"]
                   and not (job_dir(self.settings, row["id"]) / row["result_file"]).is_file())
        if expired:
            body["result_expired"] = True  # removed after keep_files_s; the job stays
        elif row["status"] == "success" and row["result_file"]:
            filename = row["id"] + os.path.splitext(row["result_file"])[1]
            expires = int(time.time()) + self.settings.download_ttl_s
            signature = sign_download(self.settings.url_signing_key, row["id"], filename,
                                      expires)
            body["download_url"] = (f"{base_url}/v1/files/{row['id']}/{filename}"
                                    f"?expires={expires}&signature={signature}")
            body["download_expires_at"] = _iso(expires)
        if row["status"] == "failed":
            body["error_code"] = row["error_code"]
            body["error_message"] = row["error_message"]
        if row["summary_json"]:
            body["result"] = json.loads(row["summary_json"])
        if row["callback_url"]:
            body["webhook"] = {"status": row["webhook_status"],
                               "attempts": row["webhook_attempts"]}
            if row["webhook_error"]:
                body["webhook"]["last_error"] = row["webhook_error"]
        return body

    async def job_finished(self, job_id: str) -> None:
        row = self.store.get(job_id)
        if row is not None and row["callback_url"] and row["webhook_status"] == "pending":
            self.webhooks.schedule(job_id)

    @contextlib.asynccontextmanager
    async def lifespan(self, app):
        self.settings.prepare()
        self.store = JobStore(self.settings.db_path)
        recovered = self.store.recover(self.settings.max_attempts)
        if recovered["retried"] or recovered["failed"]:
            log.warning("restart: %d interrupted jobs queued again, %d failed",
                        len(recovered["retried"]), len(recovered["failed"]))
        self.webhooks = WebhookSender(self.settings, self.store, self.job_body)
        self.pool = WorkerPool(self.settings, self.store, self.job_finished)
        self.pool.start()
        for job_id in self.store.pending_webhooks():
            self.webhooks.schedule(job_id)
        sweeper = asyncio.create_task(self._sweep_files()) if self.settings.keep_files_s else None
        self.ready = True
        try:
            yield
        finally:
            self.ready = False
            if sweeper is not None:
                sweeper.cancel()
                await asyncio.gather(sweeper, return_exceptions=True)
            await self.pool.stop()
            await self.webhooks.close()
            self.store.close()

    def remove_old_files(self) -> list[str]:
        """Delete the folders of the jobs that ended over ``keep_files_s`` ago (and whose
        webhook is not still to be sent); returns their ids."""
        folders = {p.name: p for p in self.settings.jobs_dir.iterdir() if p.is_dir()}
        cutoff = time.time() - self.settings.keep_files_s
        removed = self.store.ended_before(sorted(folders), cutoff)
        for job_id in removed:
            shutil.rmtree(folders[job_id], ignore_errors=True)
        if removed:
            log.info("removed the files of %d jobs that ended over %.0f s ago", len(removed),
                     self.settings.keep_files_s)
        return removed

    async def _sweep_files(self) -> None:
        period = min(3600.0, max(1.0, self.settings.keep_files_s / 10))
        while True:
            try:
                await asyncio.to_thread(self.remove_old_files)
            except Exception:  # a full disk or a locked database must not end the sweeps
                log.exception("could not remove old job files; trying again later")
            await asyncio.sleep(period)

    # -- helpers ----------------------------------------------------------------------------
    def _caller(self, request: Request) -> str:
        return check_bearer(request.headers.get("authorization"), self.settings.api_keys)

    def _own_job(self, request: Request, api_key: str):
        job_id = request.path_params["job_id"]
        row = self.store.get(job_id)
        if row is None or row["key_hash"] != key_hash(api_key):
            raise RequestError(404, JOB_NOT_FOUND, f"No job {job_id[:64]!r} for this API key.")
        return row

    def _base_url(self, request: Request) -> str:
        return self.settings.public_url or str(request.base_url).rstrip("/")

    # -- routes -----------------------------------------------------------------------------
    async def index(self, request: Request) -> JSONResponse:
        return JSONResponse({"service": "makistry_wb image-to-CAD API", "version": __version__,
                             "ready": self.ready, "openapi": "/openapi.json"})

    async def openapi_json(self, request: Request) -> JSONResponse:
        return JSONResponse(openapi.spec())

    def _check_queue(self) -> None:
        queued = self.store.count("queued")
        if queued >= self.settings.max_queue:
            retry = self.pool.retry_after_s()
            raise RequestError(429, QUEUE_FULL, f"The queue is full ({queued} jobs waiting). "
                               f"Retry after {retry} s.", headers={"Retry-After": str(retry)})

    async def submit(self, request: Request) -> JSONResponse:
        api_key = self._caller(request)
        self._check_queue()  # before reading the body: a full queue costs no upload
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
            raise RequestError(413, errors.FILE_TOO_LARGE, f"The request is {int(length) / 1e6:.1f}"
                               f" MB; at most 3 images of 10 MB each are accepted.", "image")
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in ("multipart/form-data", "application/x-www-form-urlencoded"):
            raise RequestError(415, errors.UNSUPPORTED_TYPE, "Send the request as "
                               f"multipart/form-data (got {content_type or 'no content type'!r}),"
                               " with each image as a file part named 'image'.")
        limited = Request(request.scope, _limited_receive(request.receive, MAX_BODY_BYTES))
        try:
            form = await limited.form(max_files=16, max_fields=32, max_part_size=256 * 1024)
        except HTTPException as exc:
            detail = str(exc.detail)
            if "Too many files" in detail:
                raise RequestError(400, errors.TOO_MANY_IMAGES, "Too many files were sent; at "
                                   "most 3 images are accepted.", "image") from exc
            raise RequestError(400, MALFORMED_REQUEST, f"The multipart body cannot be read: "
                               f"{detail}", None) from exc
        try:
            submission = await read_submission(form)
            if submission.callback_url:
                await asyncio.to_thread(resolve_callback, submission.callback_url,
                                        self.settings.callback_allow)
        finally:
            await form.close()
        # Again, with no await from here to the insert: concurrent uploads cannot overfill it.
        self._check_queue()
        job_id = new_job_id()
        directory = job_dir(self.settings, job_id)
        directory.mkdir(parents=True)
        inputs = []
        for index, (image, kind) in enumerate(zip(submission.options.images,
                                                  submission.formats)):
            filename = f"input_{index + 1}{_INPUT_SUFFIXES[kind]}"
            (directory / filename).write_bytes(image.data)
            inputs.append({"file": filename, "name": image.name, "bytes": len(image.data)})
        options = submission.options
        self.store.create(job_id, api_key, design_mode=options.design_mode,
                          output_format=options.output_format, prompt=options.prompt,
                          metadata=options.metadata, callback_url=submission.callback_url,
                          inputs=inputs)
        self.pool.notify()
        return JSONResponse({"job_id": job_id, "status": "queued"}, status_code=202,
                            headers={"Location": f"/v1/jobs/{job_id}"})

    async def get_job(self, request: Request) -> JSONResponse:
        row = self._own_job(request, self._caller(request))
        return JSONResponse(self.job_body(row, self._base_url(request)))

    async def cancel_job(self, request: Request) -> JSONResponse:
        row = self._own_job(request, self._caller(request))
        if row["status"] in ("success", "failed"):
            raise RequestError(409, "job_finished", f"Job {row['id']} already ended "
                               f"({row['status']}); there is nothing to cancel.")
        if self.store.cancel_queued(row["id"], "The job was cancelled before it started."):
            await self.job_finished(row["id"])
        else:
            self.store.request_cancel(row["id"])
        return JSONResponse(self.job_body(self.store.get(row["id"]), self._base_url(request)))

    async def download(self, request: Request):
        job_id = request.path_params["job_id"]
        filename = request.path_params["filename"]
        reason = check_download(self.settings.url_signing_key, job_id, filename,
                                request.query_params.get("expires"),
                                request.query_params.get("signature"))
        if reason == "the URL has expired":
            raise RequestError(410, "url_expired", "This download URL has expired; poll the "
                               "job again for a fresh download_url.")
        if reason:
            raise RequestError(403, "invalid_signature", f"This download URL is not valid: "
                               f"{reason}. Use the download_url of the job as given.")
        row = self.store.get(job_id)
        if row is None or row["status"] != "success" or not row["result_file"]:
            raise RequestError(404, JOB_NOT_FOUND, f"Job {job_id} has no result.")
        path = job_dir(self.settings, job_id) / row["result_file"]
        if not path.is_file():
            raise RequestError(404, "result_missing", f"The result of job {job_id} is no longer "
                               "on this server.")
        suffix = os.path.splitext(filename)[1]
        return FileResponse(path, media_type=_MEDIA_TYPES.get(suffix, "application/octet-stream"),
                            filename=filename)


def _limited_receive(receive, limit: int):
    """``receive`` that refuses a body longer than ``limit`` (for chunked uploads)."""
    seen = 0

    async def wrapped():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise RequestError(413, errors.FILE_TOO_LARGE, f"The request is over "
                                   f"{limit / 1e6:.0f} MB; at most 3 images of 10 MB each are "
                                   "accepted.", "image")
        return message

    return wrapped


async def _request_error(request: Request, exc: RequestError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    codes = {404: "not_found", 405: "method_not_allowed"}
    code = codes.get(exc.status_code, "http_error")
    message = {404: f"No endpoint at {request.url.path}; see /openapi.json.",
               405: f"{request.method} is not allowed on {request.url.path}."}.get(
        exc.status_code, str(exc.detail))
    return JSONResponse({"error_code": code, "error_message": message},
                        status_code=exc.status_code, headers=getattr(exc, "headers", None))


async def _server_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"error_code": "internal_error",
                         "error_message": f"The server failed: {type(exc).__name__}. The "
                                          "operator's log has the details."}, status_code=500)


def create_app(settings: Settings) -> Starlette:
    service = Service(settings)
    routes = [
        Route("/", service.index, methods=["GET"]),
        Route("/openapi.json", service.openapi_json, methods=["GET"]),
        Route("/v1/image-to-cad", service.submit, methods=["POST"]),
        Route("/v1/jobs/{job_id}", service.get_job, methods=["GET"]),
        Route("/v1/jobs/{job_id}", service.cancel_job, methods=["DELETE"]),
        Route("/v1/files/{job_id}/{filename}", service.download, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=service.lifespan, exception_handlers={
        RequestError: _request_error, HTTPException: _http_error, Exception: _server_error})
    app.state.service = service
    return app
