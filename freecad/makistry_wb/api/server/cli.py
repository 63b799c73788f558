# SPDX-License-Identifier: LGPL-2.1-or-later
"""``python3 -m freecad.makistry_wb serve``: run the image-to-CAD API server."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ... import errors
from . import config


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python3 -m freecad.makistry_wb serve",
        description="Serve the image-to-CAD HTTP API (/v1/image-to-cad, /v1/jobs/{id}) on top "
                    "of the local engine. API keys: MAKISTRY_API_KEYS (comma-separated); data: "
                    "MAKISTRY_DATA_DIR.")
    parser.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default 8000; 0: any "
                        "free port, printed at start)")
    parser.add_argument("--data-dir", help="SQLite database and job files "
                        "(default MAKISTRY_DATA_DIR or ~/.local/share/makistry_wb/server)")
    parser.add_argument("--workers", type=int, help="engine processes run at once (default 1)")
    parser.add_argument("--max-queue", type=int, help="jobs waiting before 429 (default 50)")
    parser.add_argument("--job-timeout", type=float, help="seconds before an engine is stopped")
    parser.add_argument("--keep-files", type=float, metavar="SECONDS",
                        help="delete a finished job's images and result this long after it "
                        "ended; the job stays answerable (default 604800, a week; "
                        "MAKISTRY_KEEP_FILES; 0: keep for ever)")
    parser.add_argument("--public-url", help="base of download_url (default: the URL the "
                        "client called)")
    parser.add_argument("--allow-callback-network", action="append", default=[],
                        metavar="CIDR", help="let webhooks reach this private network "
                        "(loopback, private, link-local or a CIDR; repeatable)")
    parser.add_argument("--webhook-ca-file", help="CA bundle trusted for callback TLS")
    parser.add_argument("--log-level", default="info",
                        choices=("critical", "error", "warning", "info", "debug"))
    return parser


def settings_from(args: argparse.Namespace) -> config.Settings:
    settings = config.from_environment()
    if args.host is not None:
        settings.host = args.host
    if args.port is not None:
        settings.port = args.port
    if args.data_dir:
        settings.data_dir = Path(args.data_dir)
    for attr in ("workers", "max_queue"):
        if getattr(args, attr) is not None:
            setattr(settings, attr, getattr(args, attr))
    if args.job_timeout is not None:
        settings.job_timeout_s = args.job_timeout
    if args.keep_files is not None:
        settings.keep_files_s = args.keep_files
    if args.public_url:
        settings.public_url = args.public_url.rstrip("/")
    if args.allow_callback_network:
        settings.callback_allow += config.parse_networks(",".join(args.allow_callback_network))
    if args.webhook_ca_file:
        settings.webhook_ca_file = args.webhook_ca_file
    if not settings.api_keys:
        raise errors.MakistryError(
            errors.INVALID_OPTION, "No API keys: set MAKISTRY_API_KEYS to one or more keys "
            "(comma-separated) that clients send as 'Authorization: Bearer <key>'.")
    if settings.keep_files_s < 0:
        raise errors.MakistryError(errors.INVALID_OPTION,
                                   "--keep-files must be 0 (keep for ever) or more seconds.")
    if settings.workers < 1 or settings.max_queue < 1:
        raise errors.MakistryError(errors.INVALID_OPTION,
                                   "--workers and --max-queue must be at least 1.")
    return settings


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    while argv[:1] == ["--"]:  # the main CLI passes ``serve -- ARGS``
        argv = argv[1:]
    args = _parser().parse_args(argv)
    try:
        import uvicorn

        from .app import create_app
    except ImportError as exc:
        from ... import runtime

        print(f"error: {errors.MISSING_DEPENDENCY}: the server needs the Python package "
              f"{exc.name}; install the server's packages with: "
              + runtime.install_command(["starlette", "uvicorn", "python-multipart", "httpx"]),
              file=sys.stderr)
        return 1
    try:
        settings = settings_from(args)
    except errors.MakistryError as exc:
        print(f"error: {exc.code}: {exc.message}", file=sys.stderr)
        return 2
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    import socket

    # Bind first so that --port 0 works and the real port is known to the app and printed.
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        print(f"error: {errors.INVALID_OPTION}: cannot listen on {settings.host}:"
              f"{settings.port}: {exc.strerror}", file=sys.stderr)
        return 2
    settings.port = sock.getsockname()[1]
    app = create_app(settings)
    print(f"makistry_wb API on {app.state.service.default_base_url()} (data in "
          f"{settings.data_dir}, {settings.workers} worker(s))", file=sys.stderr, flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level=args.log_level, access_log=False,
                                           timeout_graceful_shutdown=5))
    server.run(sockets=[sock])
    return 0
