# SPDX-License-Identifier: LGPL-2.1-or-later
"""Server settings: command-line flags over environment variables over defaults."""

from __future__ import annotations

import ipaddress
import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ... import errors


def _default_data_dir() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return os.path.join(base, "makistry_wb", "server")


def parse_networks(text: str) -> list:
    """Comma-separated CIDRs (or the words ``loopback``/``private``) as ip_network objects."""
    aliases = {"loopback": ["127.0.0.0/8", "::1/128"],
               "private": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
               "link-local": ["169.254.0.0/16", "fe80::/10"]}
    networks = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        for cidr in aliases.get(item.lower(), [item]):
            try:
                networks.append(ipaddress.ip_network(cidr, strict=False))
            except ValueError as exc:
                raise errors.MakistryError(
                    errors.INVALID_OPTION,
                    f"MAKISTRY_CALLBACK_ALLOW / --allow-callback-network: {cidr!r} is not a "
                    "network (use CIDRs like 127.0.0.0/8, or loopback, private, link-local).",
                ) from exc
    return networks


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = field(default_factory=lambda: Path(_default_data_dir()))
    api_keys: tuple[str, ...] = ()
    workers: int = 1
    max_queue: int = 50  # queued (not yet running) jobs; beyond it a submission gets 429
    job_timeout_s: float = 20 * 60.0
    max_attempts: int = 2  # a job interrupted by a server stop is run again at most this often
    download_ttl_s: int = 3600
    # A finished job's files (inputs, result) are deleted this long after it ended; the job
    # itself stays answerable. 0 keeps them for ever.
    keep_files_s: float = 7 * 24 * 3600.0
    public_url: str = ""  # base of download_url; default: the URL the client called
    callback_allow: list = field(default_factory=list)  # networks callbacks may target
    webhook_retries: int = 5
    webhook_backoff_s: float = 2.0
    webhook_ca_file: str = ""  # extra CA bundle for callback TLS (self-signed receivers)
    webhook_secret: bytes = b""
    url_signing_key: bytes = b""
    engine_python: str = field(default_factory=lambda: sys.executable or "/usr/bin/python3")

    @property
    def db_path(self) -> Path:
        return self.data_dir / "jobs.sqlite3"

    @property
    def jobs_dir(self) -> Path:
        return self.data_dir / "jobs"

    def prepare(self) -> None:
        """Create the data folder and load (or create once) the persistent secrets."""
        self.jobs_dir.mkdir(parents=True, exist_ok=True)
        if not self.webhook_secret:
            self.webhook_secret = _persistent_secret(self.data_dir / "webhook_secret")
        if not self.url_signing_key:
            self.url_signing_key = _persistent_secret(self.data_dir / "url_signing_key")


def _persistent_secret(path: Path) -> bytes:
    """A random secret kept in ``path`` so that a restart keeps URLs and webhooks verifiable."""
    if path.exists():
        return path.read_text(encoding="ascii").strip().encode()
    value = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value.encode()


def from_environment(env: dict | None = None) -> Settings:
    env = os.environ if env is None else env
    settings = Settings()
    if env.get("MAKISTRY_DATA_DIR"):
        settings.data_dir = Path(env["MAKISTRY_DATA_DIR"])
    settings.api_keys = tuple(k.strip() for k in env.get("MAKISTRY_API_KEYS", "").split(",")
                              if k.strip())
    settings.public_url = env.get("MAKISTRY_PUBLIC_URL", "").rstrip("/")
    settings.callback_allow = parse_networks(env.get("MAKISTRY_CALLBACK_ALLOW", ""))
    settings.webhook_ca_file = env.get("MAKISTRY_WEBHOOK_CA_FILE", "")
    settings.webhook_secret = env.get("MAKISTRY_WEBHOOK_SECRET", "").encode()
    settings.url_signing_key = env.get("MAKISTRY_URL_SIGNING_KEY", "").encode()
    if env.get("MAKISTRY_ENGINE_PYTHON"):
        settings.engine_python = env["MAKISTRY_ENGINE_PYTHON"]
    for name, attr, kind in (("MAKISTRY_WORKERS", "workers", int),
                             ("MAKISTRY_MAX_QUEUE", "max_queue", int),
                             ("MAKISTRY_JOB_TIMEOUT", "job_timeout_s", float),
                             ("MAKISTRY_DOWNLOAD_TTL", "download_ttl_s", int),
                             ("MAKISTRY_KEEP_FILES", "keep_files_s", float),
                             ("MAKISTRY_WEBHOOK_RETRIES", "webhook_retries", int),
                             ("MAKISTRY_WEBHOOK_BACKOFF", "webhook_backoff_s", float)):
        if env.get(name):
            try:
                setattr(settings, attr, kind(env[name]))
            except ValueError as exc:
                raise errors.MakistryError(
                    errors.INVALID_OPTION, f"{name}={env[name]!r} is not a number.") from exc
    return settings
