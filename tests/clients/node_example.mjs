// SPDX-License-Identifier: LGPL-2.1-or-later
// The service's published Node.js example (global fetch, FormData, Blob), with only the base URL
// changed:
//   MAKISTRY_BASE_URL=http://127.0.0.1:8000 MAKISTRY_API_KEY=... \
//     node node_example.mjs part_front.png part_side.png OUT.step
// Prints the final job as JSON; exit status 1 when the job failed.
import { readFile, writeFile } from "node:fs/promises";

const BASE = process.env.MAKISTRY_BASE_URL;
const KEY = process.env.MAKISTRY_API_KEY;
const [front, side, out] = process.argv.slice(2);
const headers = { Authorization: `Bearer ${KEY}` };

const form = new FormData();
form.append("image", new Blob([await readFile(front)], { type: "image/png" }), "part_front.png");
form.append("image", new Blob([await readFile(side)], { type: "image/png" }), "part_side.png");
form.append("prompt", "front view and right-side view of the same bracket");
form.append("output_format", "STEP");

const resp = await fetch(`${BASE}/v1/image-to-cad`, { method: "POST", headers, body: form });
if (!resp.ok) {
  console.error(`submit failed: ${resp.status} ${await resp.text()}`);
  process.exit(1);
}
const { job_id } = await resp.json();
console.error(`submitted ${job_id}`);

const fixed = process.env.POLL_SECONDS;
const start = Date.now();
let job;
for (;;) {
  job = await (await fetch(`${BASE}/v1/jobs/${job_id}`, { headers })).json();
  if (job.status === "success" || job.status === "failed") break;
  const seconds = fixed ? Number(fixed) : Date.now() - start < 30000 ? 5 : 15;
  await new Promise((done) => setTimeout(done, seconds * 1000));
}
console.log(JSON.stringify(job));
if (job.status === "failed") {
  console.error(`failed: ${job.error_code}: ${job.error_message}`);
  process.exit(1);
}
const file = await fetch(job.download_url);
if (!file.ok) {
  console.error(`download failed: ${file.status}`);
  process.exit(1);
}
await writeFile(out, Buffer.from(await file.arrayBuffer()));
