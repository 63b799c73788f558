# SPDX-License-Identifier: LGPL-2.1-or-later
"""End to end against the real server on loopback, with the real engine in its workers: the
published curl / Python / Node.js examples (base URL changed), the workbench's remote backend
importing the result into a document, and a signed webhook to an HTTPS receiver on loopback."""

import http.server
import json
import os
import shutil
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from freecad.makistry_wb import runtime
from freecad.makistry_wb.api import remote
from freecad.makistry_wb.api.client import MakistryClient, PollSchedule
from freecad.makistry_wb.api.server.launcher import ServerProcess
from freecad.makistry_wb.api.signing import WEBHOOK_SIGNATURE_HEADER, verify_webhook_signature
from freecad.makistry_wb.options import JobOptions, read_image_file

REPO = Path(__file__).resolve().parents[1]
CLIENTS = REPO / "tests" / "clients"
DRAWING = REPO / "samples" / "demo_bracket.png"
KEY = "e2e-key"
FAST = PollSchedule(fast=0.5, fast_period=30, slow=1.0, timeout=600)


@pytest.fixture(scope="module")
def tls_cert(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
                    "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture(scope="module")
def server(tmp_path_factory, tls_cert):
    args = ["--allow-callback-network", "loopback", "--webhook-ca-file", str(tls_cert[0])]
    with ServerProcess(tmp_path_factory.mktemp("api_e2e"), [KEY], args=args,
                       env={"MAKISTRY_WEBHOOK_BACKOFF": "0.2"}) as running:
        yield running


def example_env(server) -> dict:
    env = dict(os.environ, MAKISTRY_BASE_URL=server.url, MAKISTRY_API_KEY=KEY, POLL_SECONDS="0.5")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [runtime.vendor_dir(),
                                                      env.get("PYTHONPATH")]))
    return env


def check_step_result(App, out: Path, job: dict) -> None:
    import Part

    assert job["status"] == "success", job
    assert out.read_bytes().startswith(b"ISO-10303-21"), out.read_bytes()[:40]
    expected = job["result"]["parts"][0]
    shape = Part.read(str(out))
    assert shape.isValid() and len(shape.Solids) >= 1
    assert shape.Volume == pytest.approx(expected["volume_mm3"], rel=1e-3)
    box = shape.BoundBox
    assert [box.XLength, box.YLength, box.ZLength] == pytest.approx(
        [expected["bbox_mm"][3] - expected["bbox_mm"][0],
         expected["bbox_mm"][4] - expected["bbox_mm"][1],
         expected["bbox_mm"][5] - expected["bbox_mm"][2]], abs=0.05)


@pytest.mark.parametrize("runner", ["curl", "python", "node"])
def test_published_client_example(server, App, tmp_path, runner):
    command = {"curl": ["bash", str(CLIENTS / "curl_example.sh")],
               "python": [sys.executable, str(CLIENTS / "python_example.py")],
               "node": ["node", str(CLIENTS / "node_example.mjs")]}[runner]
    tool = command[0] if runner != "curl" else "curl"
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is not installed (tools/setup.sh installs it)")
    front = tmp_path / "part_front.png"
    side = tmp_path / "part_side.png"
    shutil.copy(DRAWING, front)
    shutil.copy(DRAWING, side)
    out = tmp_path / "result.step"
    done = subprocess.run([*command, str(front), str(side), str(out)], env=example_env(server),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (f"{runner} example failed:\n{done.stderr}\n{done.stdout}\n"
                                  f"server log:\n{server.log_text()[-3000:]}")
    job = json.loads(done.stdout.strip().splitlines()[-1])
    assert job["prompt"] == "front view and right-side view of the same bracket"
    assert job["output_format"] == "STEP" and job["attempts"] == 1
    check_step_result(App, out, job)


@pytest.mark.parametrize("output_format", ["STEP", "STL", "3MF", "GLB"])
def test_remote_backend_imports_the_result(server, doc, tmp_path, output_format):
    options = JobOptions(images=[read_image_file(str(DRAWING))], output_format=output_format,
                         prompt="120 mm long", metadata={"ticket": "e2e"})
    progress = []
    with MakistryClient(server.url, KEY, schedule=FAST) as client:
        result = remote.run_remote_job(options, doc, str(tmp_path), client=client,
                                       progress=lambda f, s: progress.append((f, s)))
    job, obj = result["job"], result["object"]
    assert job["metadata"] == {"ticket": "e2e"}
    expected = job["result"]["parts"][0]
    assert progress[-1][0] == 1.0 and any("success" in stage for _, stage in progress)
    if output_format == "STEP":
        assert obj.TypeId == "Part::Feature"
        assert obj.Shape.isValid()
        assert obj.Shape.Volume == pytest.approx(expected["volume_mm3"], rel=1e-3)
    else:
        assert obj.TypeId == "Mesh::Feature"
        assert obj.Mesh.CountFacets > 12
        # A tessellated solid: closed, and its volume within 2 % of the exact one.
        assert obj.Mesh.isSolid()
        assert abs(obj.Mesh.Volume) == pytest.approx(expected["volume_mm3"], rel=0.02)
    box = obj.Shape.BoundBox if output_format == "STEP" else obj.Mesh.BoundBox
    assert box.XLength == pytest.approx(expected["bbox_mm"][3] - expected["bbox_mm"][0], abs=0.5)


class _Receiver(http.server.BaseHTTPRequestHandler):
    deliveries: list = []
    fail_first = True

    def do_POST(self):  # noqa: N802 -- the stdlib's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.deliveries.append((dict(self.headers), body))
        status = 500 if self.fail_first and len(self.deliveries) == 1 else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhook_arrives_signed_and_is_retried(server, tls_cert, tmp_path):
    """The receiver fails the first delivery; the retry arrives with a valid signature."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(tls_cert[0]), str(tls_cert[1]))
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    _Receiver.deliveries = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        # By name: delivery pins the checked address and verifies the certificate by name.
        callback = f"https://localhost:{httpd.server_address[1]}/hooks/makistry"
        options = JobOptions(images=[read_image_file(str(DRAWING))], metadata={"n": 1})
        with MakistryClient(server.url, KEY, schedule=FAST) as client:
            job_id = client.submit(options, callback_url=callback)["job_id"]
            client.wait(job_id)
            deadline = time.monotonic() + 120
            while len(_Receiver.deliveries) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            final = client.get_job(job_id)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert len(_Receiver.deliveries) == 2, _Receiver.deliveries
    secret = (server.data_dir / "webhook_secret").read_text().strip().encode()
    for attempt, (headers, body) in enumerate(_Receiver.deliveries, start=1):
        assert headers["X-Makistry-Delivery-Attempt"] == str(attempt)
        assert verify_webhook_signature(secret, headers[WEBHOOK_SIGNATURE_HEADER], body)
        assert not verify_webhook_signature(secret, headers[WEBHOOK_SIGNATURE_HEADER],
                                            body + b" ")
        assert not verify_webhook_signature(b"wrong", headers[WEBHOOK_SIGNATURE_HEADER], body)
    payload = json.loads(_Receiver.deliveries[-1][1])
    assert payload["job_id"] == job_id and payload["status"] == "success"
    assert payload["metadata"] == {"n": 1} and payload["event"] == "job.finished"
    assert payload["download_url"].startswith(server.url + "/v1/files/")
    assert final["webhook"] == {"status": "delivered", "attempts": 2}


def test_remote_backend_reads_url_and_key_from_preferences(App, server, monkeypatch):
    monkeypatch.delenv("MAKISTRY_API_KEY", raising=False)
    group = App.ParamGet(remote.PREFERENCES)
    saved = (group.GetString("ApiBaseUrl", ""), group.GetString("ApiKey", ""))
    group.SetString("ApiBaseUrl", server.url)
    group.SetString("ApiKey", KEY)
    try:
        with remote.client_from_preferences() as client:
            assert client.base_url == server.url and client.api_key == KEY
            answer = client._request("GET", server.url + "/v1/jobs/pub_unknown")
            assert answer.status_code == 404  # authenticated: 404, not 401
    finally:
        group.SetString("ApiBaseUrl", saved[0])
        group.SetString("ApiKey", saved[1])


def test_old_job_files_are_removed_and_the_job_still_answers(tmp_path):
    """After --keep-files seconds a finished job's images and result leave the disk; polling it
    still answers, saying the result expired, and the server goes on serving."""
    with ServerProcess(tmp_path / "srv", [KEY], args=["--keep-files", "5"]) as running, \
            MakistryClient(running.url, KEY, schedule=FAST) as client:
        options = JobOptions(images=[read_image_file(str(DRAWING))], prompt="120 mm long")
        job_id = client.submit(options)["job_id"]
        job = client.wait(job_id)
        assert job["status"] == "success" and "download_url" in job
        folder = running.data_dir / "jobs" / job_id
        assert any(folder.iterdir())
        deadline = time.monotonic() + 60
        while folder.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not folder.exists(), running.log_text()[-2000:]
        later = client.get_job(job_id)
        assert later["status"] == "success" and later["result_expired"] is True
        assert "download_url" not in later
        assert later["result"]["parts"][0]["volume_mm3"] == job["result"]["parts"][0][
            "volume_mm3"]
        again = client.submit(options)["job_id"]  # still serving
        assert client.wait(again)["status"] == "success"
