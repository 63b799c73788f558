# SPDX-License-Identifier: LGPL-2.1-or-later
"""The OpenAPI 3.0 description of the server (served at ``/openapi.json``)."""

from __future__ import annotations

from ... import __version__
from ...options import DESIGN_MODES, MAX_IMAGE_BYTES, OUTPUT_FORMATS

_ERROR = {"$ref": "#/components/schemas/Error"}


def _error_responses(*codes: int) -> dict:
    reasons = {400: "A field breaks a rule; error_code and error_message say which.",
               401: "Missing or unknown bearer token.",
               403: "The download URL's signature does not match.",
               404: "No such job for this API key.",
               409: "The job already finished.",
               410: "The download URL has expired; poll the job for a fresh one.",
               413: "An image is over 10 MB (or the request over 31 MB).",
               415: "An image is not PNG, JPEG, WebP or GIF (read from its content).",
               429: "The queue is full; retry after Retry-After seconds."}
    return {str(code): {"description": reasons[code],
                        "content": {"application/json": {"schema": _ERROR}}} for code in codes}


def spec() -> dict:
    job_id = {"name": "job_id", "in": "path", "required": True,
              "schema": {"type": "string", "pattern": "^pub_[0-9a-f]{24}$"}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "makistry_wb image-to-CAD API", "version": __version__,
                 "description": "Compatible with the Makistry image-to-CAD HTTP API: 1-3 "
                                "images of a part in, a STEP/STL/GLB/3MF file out."},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error_code", "error_message"],
                          "properties": {"error_code": {"type": "string"},
                                         "error_message": {"type": "string"},
                                         "field": {"type": "string"}}},
                "Accepted": {"type": "object", "required": ["job_id", "status"],
                             "properties": {"job_id": {"type": "string"},
                                            "status": {"type": "string", "enum": ["queued"]}}},
                "Job": {
                    "type": "object", "required": ["job_id", "status", "metadata"],
                    "properties": {
                        "job_id": {"type": "string"},
                        "status": {"type": "string",
                                   "enum": ["queued", "processing", "success", "failed"]},
                        "design_mode": {"type": "string", "enum": list(DESIGN_MODES)},
                        "output_format": {"type": "string", "enum": list(OUTPUT_FORMATS)},
                        "metadata": {"type": "object"},
                        "download_url": {"type": "string",
                                         "description": "Signed, expiring; fetch it fresh "
                                                        "from each poll."},
                        "download_expires_at": {"type": "string", "format": "date-time"},
                        "error_code": {"type": "string"},
                        "error_message": {"type": "string"},
                        "created_at": {"type": "string", "format": "date-time"},
                        "result": {"type": "object"},
                    }},
                "Submission": {
                    "type": "object", "required": ["image"],
                    "properties": {
                        "image": {"type": "array", "minItems": 1, "maxItems": 3,
                                  "items": {"type": "string", "format": "binary",
                                            "maxLength": MAX_IMAGE_BYTES}},
                        "design_mode": {"type": "string", "enum": list(DESIGN_MODES),
                                        "default": "standard"},
                        "output_format": {"type": "string", "enum": list(OUTPUT_FORMATS),
                                          "default": "STEP"},
                        "callback_url": {"type": "string", "format": "uri",
                                         "pattern": "^https://"},
                        "prompt": {"type": "string", "maxLength": 4000},
                        "metadata_json": {"type": "string",
                                          "description": "A JSON-encoded object, echoed back."},
                    }},
            },
        },
        "security": [{"bearer": []}],
        "paths": {
            "/v1/image-to-cad": {"post": {
                "operationId": "submitJob",
                "summary": "Submit 1-3 images of a part; returns the job id at once.",
                "requestBody": {"required": True, "content": {"multipart/form-data": {
                    "schema": {"$ref": "#/components/schemas/Submission"},
                    "encoding": {"image": {"contentType":
                                           "image/png, image/jpeg, image/webp, image/gif"}}}}},
                "responses": {"202": {"description": "Accepted", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}}},
                    **_error_responses(400, 401, 413, 415, 429)}}},
            "/v1/jobs/{job_id}": {
                "get": {"operationId": "getJob", "summary": "The job's status and result.",
                        "parameters": [job_id],
                        "responses": {"200": {"description": "The job", "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Job"}}
                        }}, **_error_responses(401, 404)}},
                "delete": {"operationId": "cancelJob",
                           "summary": "Cancel a queued or running job (it ends as failed, "
                                      "error_code cancelled).",
                           "parameters": [job_id],
                           "responses": {"200": {"description": "The job", "content": {
                               "application/json": {"schema": {
                                   "$ref": "#/components/schemas/Job"}}}},
                               **_error_responses(401, 404, 409)}}},
            "/v1/files/{job_id}/{filename}": {"get": {
                "operationId": "downloadResult", "security": [],
                "summary": "The result file, through the signed URL given in download_url.",
                "parameters": [job_id,
                               {"name": "filename", "in": "path", "required": True,
                                "schema": {"type": "string"}},
                               {"name": "expires", "in": "query", "required": True,
                                "schema": {"type": "integer"}},
                               {"name": "signature", "in": "query", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The file", "content": {
                    "application/octet-stream": {"schema": {"type": "string",
                                                            "format": "binary"}}}},
                    **_error_responses(403, 404, 410)}}},
            "/": {"get": {"operationId": "ready", "security": [],
                          "summary": "200 once the server is ready.",
                          "responses": {"200": {"description": "Ready"}}}},
        },
    }
