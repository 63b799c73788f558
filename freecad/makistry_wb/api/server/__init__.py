# SPDX-License-Identifier: LGPL-2.1-or-later
"""The compatible image-to-CAD server: Starlette on uvicorn, jobs in SQLite, the engine in
worker subprocesses. Start it with ``python3 -m freecad.makistry_wb serve``."""
