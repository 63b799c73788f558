# SPDX-License-Identifier: LGPL-2.1-or-later
"""The compatible image-to-CAD server: Starlette on uvicorn, jobs in SQLite, the engine in
worker subprocesses. Start it with ``python3 -m freecad.makistry_wb serve``.

Why Starlette + uvicorn: both are maintained (Encode), pure-Python wheels that pip installs into
FreeCAD's own Python on 3.11 and 3.13 alike, with no compiled dependency (FastAPI would add
pydantic-core); Starlette parses multipart with python-multipart in streaming mode, spooling
uploads to disk, and its lifespan hook owns the workers. The OpenAPI description is written by
hand (openapi.py) because the contract's repeatable ``image`` field and its error bodies are
exactly what we want to publish, not what a generator infers.
"""
