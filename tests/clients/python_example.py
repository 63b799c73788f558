# SPDX-License-Identifier: LGPL-2.1-or-later
"""The service's published Python (httpx) example, with only the base URL changed.

    MAKISTRY_BASE_URL=http://127.0.0.1:8000 MAKISTRY_API_KEY=... \
        python3 python_example.py part_front.png part_side.png OUT.step

Prints the final job as JSON; exit status 1 when the job failed.
"""

import json
import os
import sys
import time

import httpx

BASE = os.environ["MAKISTRY_BASE_URL"]
KEY = os.environ["MAKISTRY_API_KEY"]


def main(front: str, side: str, out: str) -> int:
    headers = {"Authorization": "Bearer " + KEY}
    with open(front, "rb") as f1, open(side, "rb") as f2:
        resp = httpx.post(
            BASE + "/v1/image-to-cad",
            headers=headers,
            data={"prompt": "front view and right-side view of the same bracket",
                  "output_format": "STEP"},
            files=[("image", ("part_front.png", f1, "image/png")),
                   ("image", ("part_side.png", f2, "image/png"))],
        )
    resp.raise_for_status()
    job_id = resp.json()["job_id"]
    print("submitted", job_id, file=sys.stderr)

    fixed = os.environ.get("POLL_SECONDS")
    start = time.monotonic()
    while True:
        job = httpx.get(f"{BASE}/v1/jobs/{job_id}", headers=headers)
        job.raise_for_status()
        job = job.json()
        if job["status"] in ("success", "failed"):
            break
        time.sleep(float(fixed) if fixed else 5 if time.monotonic() - start < 30 else 15)
    print(json.dumps(job))
    if job["status"] == "failed":
        print(f"failed: {job['error_code']}: {job['error_message']}", file=sys.stderr)
        return 1
    result = httpx.get(job["download_url"])
    result.raise_for_status()
    with open(out, "wb") as handle:
        handle.write(result.content)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
