# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every request rule of POST /v1/image-to-cad against the real server on loopback: each failure
a 4xx with a JSON error_code and a reason; plus 401, ownership, 429, signed URLs, OpenAPI."""

import io
import json
import time

import httpx
import pytest
from PIL import Image

from freecad.makistry_wb.api.server.launcher import ServerProcess
from freecad.makistry_wb.api.signing import check_download, sign_download
from freecad.makistry_wb.options import MAX_IMAGE_BYTES

KEY = "test-key-1"
OTHER_KEY = "test-key-2"


def png(width=64, height=48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with ServerProcess(tmp_path_factory.mktemp("api_validation"), [KEY, OTHER_KEY]) as running:
        yield running


def post(server, files=(), data=None, key=KEY, **kwargs):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.post(server.url + "/v1/image-to-cad", headers=headers, files=list(files),
                      data=data or {}, timeout=60, **kwargs)


def image_part(data=None, name="part.png", mime="image/png"):
    return ("image", (name, png() if data is None else data, mime))


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error_code"] == code, body
    assert len(body["error_message"]) > 10
    if field:
        assert body["field"] == field
    return body


def test_valid_submission_is_accepted_and_persisted(server):
    response = post(server, [image_part()], {"metadata_json": json.dumps({"order": 7})})
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "queued" and body["job_id"].startswith("pub_")
    job = httpx.get(f"{server.url}/v1/jobs/{body['job_id']}",
                    headers={"Authorization": f"Bearer {KEY}"}).json()
    assert job["metadata"] == {"order": 7}
    assert job["design_mode"] == "standard" and job["output_format"] == "STEP"
    assert job["status"] in ("queued", "processing", "success", "failed")


def test_no_image(server):
    body = assert_error(post(server, [], {"output_format": "STEP"}), 400, "no_image", "image")
    assert "1 to 3" in body["error_message"]


def test_more_than_three_images(server):
    body = assert_error(post(server, [image_part(name=f"v{i}.png") for i in range(4)]), 400,
                        "too_many_images", "image")
    assert "4 images" in body["error_message"]


def test_image_over_10_mb_is_413(server):
    big = png() + b"\0" * (MAX_IMAGE_BYTES + 1 - len(png()))
    body = assert_error(post(server, [image_part(big, "huge.png")]), 413, "file_too_large")
    assert "huge.png" in body["error_message"] and "10 MB" in body["error_message"]


def test_type_is_checked_by_content_not_name(server):
    pdf = b"%PDF-1.7\n" + b"x" * 200
    body = assert_error(post(server, [image_part(pdf, "drawing.png", "image/png")]), 415,
                        "unsupported_type", "image")
    assert "drawing.png" in body["error_message"]
    assert_error(post(server, [image_part(b"", "empty.png")]), 415, "unsupported_type")
    # A real PNG under a misleading name and declared type is accepted.
    assert post(server, [image_part(png(), "notes.txt", "text/plain")]).status_code == 202


def test_second_bad_image_is_named(server):
    body = assert_error(post(server, [image_part(), image_part(b"GIF8 no", "side.gif")]), 415,
                        "unsupported_type")
    assert "side.gif" in body["error_message"]


@pytest.mark.parametrize("field,value", [
    ("design_mode", "sculpture"), ("design_mode", "Standard"), ("output_format", "OBJ"),
    ("output_format", "  "), ("output_format", "step")])
def test_unknown_option_values(server, field, value):
    body = assert_error(post(server, [image_part()], {field: value}), 400, "invalid_option",
                        field)
    assert field in body["error_message"]


@pytest.mark.parametrize("url", ["http://hooks.example.com/done", "ftp://example.com/x",
                                 "https:///nohost", "not a url", "https://user:pw@example.com/"])
def test_callback_url_must_be_https(server, url):
    assert_error(post(server, [image_part()], {"callback_url": url}), 400, "invalid_option",
                 "callback_url")


@pytest.mark.parametrize("url,what", [
    ("https://127.0.0.1:9/hook", "loopback"), ("https://localhost/hook", "loopback"),
    ("https://[::1]/hook", "loopback"), ("https://10.1.2.3/hook", "private"),
    ("https://192.168.0.10/hook", "private"), ("https://169.254.169.254/latest", "link-local")])
def test_callback_to_internal_address_is_refused_by_default(server, url, what):
    body = assert_error(post(server, [image_part()], {"callback_url": url}), 400,
                        "callback_not_allowed", "callback_url")
    assert what in body["error_message"]


@pytest.mark.parametrize("text", ["[1, 2]", "42", '"a string"', "{not json", "null"])
def test_metadata_json_must_be_an_object(server, text):
    body = assert_error(post(server, [image_part()], {"metadata_json": text}), 400,
                        "invalid_option", "metadata_json")
    assert "metadata_json" in body["error_message"]


def test_missing_or_wrong_bearer_is_401(server):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {KEY}"},
                    {"Authorization": "Bearer"}):
        response = httpx.post(server.url + "/v1/image-to-cad", headers=headers,
                              files=[image_part()])
        assert_error(response, 401, "unauthorized")
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert_error(httpx.get(server.url + "/v1/jobs/pub_0"), 401, "unauthorized")


def test_not_multipart_is_415(server):
    response = httpx.post(server.url + "/v1/image-to-cad", json={"image": "x"},
                          headers={"Authorization": f"Bearer {KEY}"})
    assert_error(response, 415, "unsupported_type")


def test_broken_multipart_is_400(server):
    response = httpx.post(server.url + "/v1/image-to-cad", content=b"--zz\r\nbroken",
                          headers={"Authorization": f"Bearer {KEY}",
                                   "Content-Type": "multipart/form-data; boundary=zz"})
    assert response.status_code == 400, response.text
    assert response.json()["error_code"] in ("malformed_request", "no_image")


def test_jobs_are_private_to_their_key(server):
    job_id = post(server, [image_part()]).json()["job_id"]
    assert_error(httpx.get(f"{server.url}/v1/jobs/{job_id}",
                           headers={"Authorization": f"Bearer {OTHER_KEY}"}), 404,
                 "job_not_found")
    assert_error(httpx.get(f"{server.url}/v1/jobs/pub_doesnotexist",
                           headers={"Authorization": f"Bearer {KEY}"}), 404, "job_not_found")


def test_cancel_a_queued_or_running_job(server):
    job_id = post(server, [image_part()]).json()["job_id"]
    headers = {"Authorization": f"Bearer {KEY}"}
    response = httpx.delete(f"{server.url}/v1/jobs/{job_id}", headers=headers)
    if response.status_code == 409:  # the engine already finished it
        return pytest.skip("the job ended before it could be cancelled")
    assert response.status_code == 200
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = httpx.get(f"{server.url}/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("success", "failed"):
            break
        time.sleep(0.2)
    if job["status"] == "failed" and job["error_code"] != "cancelled":
        pytest.skip("the engine finished the job before the cancellation reached it")
    assert job["status"] == "failed" and job["error_code"] == "cancelled"
    assert_error(httpx.delete(f"{server.url}/v1/jobs/{job_id}", headers=headers), 409,
                 "job_finished")


def test_download_urls_are_signed_and_expire(server):
    key = (server.data_dir / "url_signing_key").read_text().strip().encode()
    good = sign_download(key, "pub_x", "pub_x.step", 2_000_000_000)
    assert check_download(key, "pub_x", "pub_x.step", "2000000000", good, now=1e9) is None
    assert "expired" in check_download(key, "pub_x", "pub_x.step", "2000000000", good, now=3e9)
    assert "does not match" in check_download(key, "pub_y", "pub_x.step", "2000000000", good)
    assert "does not match" in check_download(key, "pub_x", "pub_x.step", "2000000001", good)
    base = f"{server.url}/v1/files/pub_x/pub_x.step"
    assert_error(httpx.get(f"{base}?expires=2000000001&signature={good}"), 403,
                 "invalid_signature")
    assert_error(httpx.get(base), 403, "invalid_signature")
    past = sign_download(key, "pub_x", "pub_x.step", 1000)
    assert_error(httpx.get(f"{base}?expires=1000&signature={past}"), 410, "url_expired")
    # Genuine and unexpired, but the job has no result: 404, not the file of another job.
    assert_error(httpx.get(f"{base}?expires=2000000000&signature={good}"), 404, "job_not_found")


def test_unknown_routes_answer_json(server):
    assert_error(httpx.get(server.url + "/v2/nothing"), 404, "not_found")
    assert_error(httpx.put(server.url + "/v1/image-to-cad"), 405, "method_not_allowed")


def test_openapi_describes_the_endpoints(server):
    spec = httpx.get(server.url + "/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    submit = spec["paths"]["/v1/image-to-cad"]["post"]
    assert {"202", "400", "401", "413", "415", "429"} <= set(submit["responses"])
    schema = spec["components"]["schemas"]["Submission"]
    assert schema["properties"]["image"]["maxItems"] == 3
    assert schema["properties"]["output_format"]["enum"] == ["STEP", "STL", "GLB", "3MF"]
    assert {"get", "delete"} <= set(spec["paths"]["/v1/jobs/{job_id}"])


def test_full_queue_answers_429_with_retry_after(tmp_path):
    """One worker and room for one waiting job: the third quick submission finds it full."""
    with ServerProcess(tmp_path / "small", [KEY], args=["--max-queue", "1"]) as small:
        answers = [post(small, [image_part()]) for _ in range(4)]
        refused = [a for a in answers if a.status_code == 429]
        accepted = [a.json()["job_id"] for a in answers if a.status_code == 202]
        assert refused, [a.status_code for a in answers]
        body = assert_error(refused[0], 429, "queue_full")
        assert int(refused[0].headers["Retry-After"]) >= 1
        assert "queue is full" in body["error_message"]
        assert 1 <= len(accepted) <= 3
        headers = {"Authorization": f"Bearer {KEY}"}
        for job_id in accepted:  # nothing accepted is lost
            assert httpx.get(f"{small.url}/v1/jobs/{job_id}", headers=headers).status_code == 200


def test_chunked_body_over_the_limit_is_413(server):
    """Without Content-Length the server counts the bytes as they arrive."""
    boundary = "b0undary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; "
            f"filename=\"big.png\"\r\nContent-Type: image/png\r\n\r\n").encode() + png()

    def body():
        yield head
        for _ in range(33):  # 33 MB: over the 3 x 10 MB a request may carry
            yield b"\0" * (1024 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    response = httpx.post(server.url + "/v1/image-to-cad", content=body(), timeout=60,
                          headers={"Authorization": f"Bearer {KEY}",
                                   "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert_error(response, 413, "file_too_large")


@pytest.mark.parametrize("url, address, target, host", [
    ("https://hooks.example.org/a?b=1", "203.0.113.7", "https://203.0.113.7/a?b=1",
     "hooks.example.org"),
    ("https://hooks.example.org:8443/a", "2001:db8::5", "https://[2001:db8::5]:8443/a",
     "hooks.example.org:8443"),
    ("https://u:p@hooks.example.org/a", "203.0.113.7", "https://u:p@203.0.113.7/a",
     "hooks.example.org"),
    ("https://bücher.example/a", "203.0.113.7", "https://203.0.113.7/a",
     "xn--bcher-kva.example"),
])
def test_webhook_goes_to_the_address_that_was_checked(url, address, target, host):
    """No second lookup between the check and the request (DNS rebinding): the request is sent
    to the checked address, with the name kept for the Host header and the TLS check."""
    from freecad.makistry_wb.api.server.webhooks import pinned

    sent, headers, extensions = pinned(url, address)
    assert sent == target
    assert headers == {"Host": host}
    assert extensions == {"sni_hostname": host.split(":")[0]}
    assert pinned("https://198.51.100.1/x", "198.51.100.1") == ("https://198.51.100.1/x", {}, {})


def test_webhook_falls_back_to_the_next_checked_address():
    """An address that refuses the connection (an IPv6 route an IPv4-only server lacks) does
    not fail the delivery when the next address the name resolved to answers."""
    import asyncio
    import http.server
    import threading

    from freecad.makistry_wb.api.server.config import Settings
    from freecad.makistry_wb.api.server.webhooks import WebhookSender

    class Receiver(http.server.BaseHTTPRequestHandler):
        hosts = []

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            Receiver.hosts.append(self.headers["Host"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_address[1]

    async def send():
        sender = WebhookSender(Settings(), None, None)
        try:
            return await sender._post_to_any(f"http://localhost:{port}/hook",
                                             ["127.0.0.3", "127.0.0.1"], b"{}", {})
        finally:
            await sender.close()

    try:
        response = asyncio.run(send())
    finally:
        httpd.shutdown()
    assert response.status_code == 204
    assert Receiver.hosts == [f"localhost:{port}"]
