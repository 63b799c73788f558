# SPDX-License-Identifier: LGPL-2.1-or-later
"""The client against a loopback stand-in for the commercial service that misbehaves on purpose:
the multipart it sends, retries on 429/5xx honouring Retry-After, the polling schedule, fresh
download URLs, errors passed through as given, timeout and cancellation."""

import email.parser
import email.policy
import email.utils
import http.server
import io
import json
import threading
import time

import pytest
from PIL import Image

from freecad.makistry_wb import errors
from freecad.makistry_wb.api.client import (
    ApiError,
    MakistryClient,
    PollSchedule,
    retry_after_seconds,
)
from freecad.makistry_wb.options import ImageInput, JobOptions


def image(fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "white").save(buffer, format=fmt)
    return buffer.getvalue()


class FakeService:
    """A loopback HTTP server; ``respond(method, path, headers, body)`` -> (status, headers,
    body) decides every answer, and every request is recorded."""

    def __init__(self, respond):
        self.respond = respond
        self.requests = []
        service = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                service.requests.append((self.command, self.path, dict(self.headers), body))
                status, headers, payload = service.respond(self.command, self.path,
                                                           self.headers, body)
                if isinstance(payload, (dict, list)):
                    payload = json.dumps(payload).encode()
                    headers = {"Content-Type": "application/json", **headers}
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = _serve  # noqa: N815

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def paths(self, method=None):
        return [path for m, path, _, _ in self.requests if method in (None, m)]


@pytest.fixture
def service():
    services = []

    def make(respond):
        services.append(FakeService(respond))
        return services[-1]

    yield make
    for running in services:
        running.close()


class VirtualTime:
    """A clock that moves only when the client sleeps: the schedule without waiting."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def options(**kwargs):
    images = [ImageInput("views/part_front.png", image()), ImageInput("side.jpg", image("JPEG"))]
    return JobOptions(images=images, **kwargs)


def accepted(job_id="pub_1"):
    return 202, {}, {"job_id": job_id, "status": "queued"}


def test_submit_sends_the_documented_multipart(service):
    fake = service(lambda *a: accepted())
    client = MakistryClient(fake.url, "k-123")
    answer = client.submit(options(prompt="front and side", design_mode="assembly",
                                   output_format="GLB", metadata={"order": 5}),
                           callback_url="https://hooks.example.com/x")
    assert answer == {"job_id": "pub_1", "status": "queued"}
    method, path, headers, body = fake.requests[0]
    assert (method, path) == ("POST", "/v1/image-to-cad")
    assert headers["Authorization"] == "Bearer k-123"
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {headers['Content-Type']}\r\n\r\n".encode() + body)
    parts = [(p.get_param("name", header="content-disposition"), p.get_filename(),
              p.get_content_type(), p.get_payload(decode=True)) for p in message.iter_parts()]
    images = [p for p in parts if p[0] == "image"]
    assert [(name, mime) for _, name, mime, _ in images] == [("part_front.png", "image/png"),
                                                             ("side.jpg", "image/jpeg")]
    assert images[0][3] == image()
    fields = {p[0]: p[3].decode() for p in parts if p[0] != "image"}
    assert fields == {"design_mode": "assembly", "output_format": "GLB",
                      "prompt": "front and side", "metadata_json": '{"order": 5}',
                      "callback_url": "https://hooks.example.com/x"}


def test_429_is_retried_after_the_retry_after_seconds(service):
    answers = iter([(429, {"Retry-After": "3"}, {"error_code": "rate_limited"}),
                    (429, {"Retry-After": "7"}, b"")])
    fake = service(lambda *a: next(answers, accepted()))
    clock = VirtualTime()
    client = MakistryClient(fake.url, "k", sleep=clock.sleep, clock=clock.clock)
    assert client.submit(options())["job_id"] == "pub_1"
    assert clock.sleeps == [3, 7]
    assert len(fake.paths("POST")) == 3


def test_retry_after_as_an_http_date(service):
    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    assert retry_after_seconds(when) == pytest.approx(20, abs=1.5)
    assert retry_after_seconds("garbage") is None and retry_after_seconds("-4") == 0
    answers = iter([(503, {"Retry-After": when}, b"busy")])
    fake = service(lambda *a: next(answers, accepted()))
    clock = VirtualTime()
    MakistryClient(fake.url, "k", sleep=clock.sleep, clock=clock.clock).submit(options())
    assert clock.sleeps[0] == pytest.approx(20, abs=1.5)


def test_5xx_backs_off_exponentially_then_gives_up_with_the_services_error(service):
    fake = service(lambda *a: (502, {}, {"error_code": "upstream_down",
                                         "error_message": "The GPU pool is down."}))
    clock = VirtualTime()
    client = MakistryClient(fake.url, "k", max_retries=4, backoff=1.0, sleep=clock.sleep,
                            clock=clock.clock)
    with pytest.raises(ApiError) as failure:
        client.get_job("pub_9")
    assert failure.value.code == "upstream_down"
    assert failure.value.message == "The GPU pool is down."
    assert failure.value.status_code == 502
    assert len(fake.requests) == 5
    for attempt, slept in enumerate(clock.sleeps):  # 2^n seconds with 50-100 % jitter
        assert 0.5 * 2 ** attempt <= slept <= 2 ** attempt


def test_client_errors_are_not_retried_and_pass_through(service):
    fake = service(lambda *a: (415, {}, {"error_code": "unsupported_type",
                                         "error_message": "a.png is not an image"}))
    with pytest.raises(ApiError) as failure:
        MakistryClient(fake.url, "k").submit(options())
    assert (failure.value.code, failure.value.message) == ("unsupported_type",
                                                           "a.png is not an image")
    assert len(fake.requests) == 1


def test_polls_every_5_s_for_30_s_then_every_15_s(service):
    polls = []

    def respond(method, path, headers, body):
        polls.append(path)
        status = "success" if len(polls) >= 10 else "queued" if len(polls) < 3 else "processing"
        return 200, {}, {"job_id": "pub_1", "status": status,
                         "download_url": "/v1/files/x" if status == "success" else None}

    fake = service(respond)
    clock = VirtualTime()
    seen = []
    client = MakistryClient(fake.url, "k", sleep=clock.sleep, clock=clock.clock)
    job = client.wait("pub_1", progress=lambda f, s: seen.append((f, s)))
    assert job["status"] == "success"
    assert clock.sleeps == [5, 5, 5, 5, 5, 5, 15, 15, 15]
    assert [s.split(": ")[1] for _, s in seen][:4] == ["queued", "queued", "processing",
                                                      "processing"]
    assert all(0 <= f <= 1 for f, _ in seen)
    custom = VirtualTime()
    MakistryClient(fake.url, "k", schedule=PollSchedule(fast=1, fast_period=2, slow=4),
                   sleep=custom.sleep, clock=custom.clock).wait("pub_1")
    assert custom.sleeps == []  # already finished: no wait at all


def test_failed_job_surfaces_error_code_and_message_as_given(service):
    fake = service(lambda *a: (200, {}, {"job_id": "pub_1", "status": "failed",
                                         "error_code": "image_parse_failed",
                                         "error_message": "Too blurry to read lines."}))
    with pytest.raises(ApiError) as failure:
        MakistryClient(fake.url, "k").wait("pub_1")
    assert failure.value.code == "image_parse_failed"
    assert failure.value.message == "Too blurry to read lines."
    assert failure.value.job["status"] == "failed"


def test_download_uses_the_url_of_the_latest_poll(service, tmp_path):
    state = {"polls": 0, "downloads": 0}

    def respond(method, path, headers, body):
        if path.startswith("/v1/image-to-cad"):
            return accepted()
        if path.startswith("/v1/jobs/"):
            state["polls"] += 1
            done = state["polls"] >= 2
            return 200, {}, {"job_id": "pub_1", "status": "success" if done else "processing",
                             "download_url": f"/files/r.step?token={state['polls']}"}
        state["downloads"] += 1
        if path != f"/files/r.step?token={state['polls']}" or state["downloads"] == 1:
            return 410, {}, {"error_code": "url_expired", "error_message": "expired"}
        return 200, {"Content-Type": "model/step"}, b"ISO-10303-21;fresh"

    fake = service(respond)
    clock = VirtualTime()
    client = MakistryClient(fake.url, "k", sleep=clock.sleep, clock=clock.clock)
    job, path = client.run(options(), str(tmp_path / "out.step"))
    # The first download was refused as expired; the client polled again for a fresh URL.
    assert open(path, "rb").read() == b"ISO-10303-21;fresh"
    assert fake.paths("GET")[-1] == "/files/r.step?token=3"
    assert job["download_url"].endswith("token=3")


def test_no_key_is_sent_to_another_origin(service, tmp_path):
    storage = service(lambda *a: (200, {}, b"GLBDATA"))
    fake = service(lambda *a: (200, {}, {"job_id": "pub_1", "status": "success",
                                         "download_url": storage.url + "/bucket/x.glb?sig=1"}))
    client = MakistryClient(fake.url, "secret-key")
    client.download(client.get_job("pub_1"), str(tmp_path / "x.glb"))
    assert (tmp_path / "x.glb").read_bytes() == b"GLBDATA"
    assert "Authorization" not in storage.requests[0][2]
    assert fake.requests[0][2]["Authorization"] == "Bearer secret-key"


def test_timeout_cancels_the_job(service):
    fake = service(lambda m, *a: (200, {}, {"job_id": "pub_1", "status": "processing"}))
    clock = VirtualTime()
    client = MakistryClient(fake.url, "k", schedule=PollSchedule(timeout=100),
                            sleep=clock.sleep, clock=clock.clock)
    with pytest.raises(ApiError) as failure:
        client.wait("pub_1")
    assert failure.value.code == "job_timeout"
    assert clock.now == 100
    assert fake.paths("DELETE") == ["/v1/jobs/pub_1"]


def test_cancel_event_stops_waiting_and_cancels_remotely(service):
    fake = service(lambda m, *a: (200, {}, {"job_id": "pub_1", "status": "queued"}))
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    client = MakistryClient(fake.url, "k")
    started = time.monotonic()
    with pytest.raises(errors.Cancelled):
        client.wait("pub_1", cancel=cancel)
    assert time.monotonic() - started < 5.0  # not the 5 s poll interval
    assert fake.paths("DELETE") == ["/v1/jobs/pub_1"]


def test_api_key_from_the_environment(service, monkeypatch):
    fake = service(lambda *a: (200, {}, {"job_id": "pub_1", "status": "queued"}))
    monkeypatch.setenv("MAKISTRY_API_KEY", "from-env")
    monkeypatch.setenv("MAKISTRY_API_URL", fake.url)
    MakistryClient().get_job("pub_1")
    assert fake.requests[0][2]["Authorization"] == "Bearer from-env"
    monkeypatch.delenv("MAKISTRY_API_KEY")
    with pytest.raises(ApiError) as failure:
        MakistryClient(fake.url).get_job("pub_1")
    assert failure.value.code == "unauthorized" and "MAKISTRY_API_KEY" in failure.value.message
    assert len(fake.requests) == 1


def test_connection_refused_is_retried_then_reported():
    clock = VirtualTime()
    client = MakistryClient("http://127.0.0.1:9", "k", max_retries=2, sleep=clock.sleep,
                            clock=clock.clock)
    with pytest.raises(ApiError) as failure:
        client.get_job("pub_1")
    assert failure.value.code == "service_unavailable"
    assert "3 attempts" in failure.value.message and len(clock.sleeps) == 2
