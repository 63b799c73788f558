// SPDX-License-Identifier: LGPL-2.1-or-later
// Validate a .glb/.gltf file with the Khronos glTF validator; print its JSON report summary.
// Exit 0 when the validator reports no errors, 1 otherwise.
import { readFile } from "node:fs/promises";
import validator from "gltf-validator";

const path = process.argv[2];
const data = new Uint8Array(await readFile(path));
const report = await validator.validateBytes(data, { maxIssues: 50 });
const { numErrors, numWarnings, messages } = report.issues;
console.log(JSON.stringify({ numErrors, numWarnings, messages: messages.slice(0, 20),
  info: report.info }));
process.exit(numErrors === 0 ? 0 : 1);
