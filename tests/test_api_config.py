# SPDX-License-Identifier: LGPL-2.1-or-later
"""Server settings from the environment and flags, and which callback addresses are refused."""

import pytest

from freecad.makistry_wb import errors
from freecad.makistry_wb.api.server import cli, config
from freecad.makistry_wb.api.server.validation import refused_address


def test_settings_from_the_environment(tmp_path):
    settings = config.from_environment({
        "MAKISTRY_API_KEYS": " a , b,,", "MAKISTRY_DATA_DIR": str(tmp_path),
        "MAKISTRY_WORKERS": "3", "MAKISTRY_MAX_QUEUE": "7",
        "MAKISTRY_CALLBACK_ALLOW": "loopback,10.9.0.0/16"})
    assert settings.api_keys == ("a", "b")
    assert settings.db_path == tmp_path / "jobs.sqlite3"
    assert (settings.workers, settings.max_queue) == (3, 7)
    assert [str(n) for n in settings.callback_allow] == ["127.0.0.0/8", "::1/128", "10.9.0.0/16"]
    settings.prepare()
    secret = settings.webhook_secret
    assert len(secret) == 64 and (tmp_path / "webhook_secret").stat().st_mode & 0o077 == 0
    again = config.from_environment({"MAKISTRY_DATA_DIR": str(tmp_path)})
    again.prepare()
    assert again.webhook_secret == secret  # kept across restarts


@pytest.mark.parametrize("env,needle", [({"MAKISTRY_WORKERS": "two"}, "MAKISTRY_WORKERS"),
                                        ({"MAKISTRY_CALLBACK_ALLOW": "10.0.0/99"}, "10.0.0/99")])
def test_bad_settings_say_which(env, needle):
    with pytest.raises(errors.MakistryError) as failure:
        config.from_environment(env)
    assert needle in failure.value.message


def test_serve_refuses_to_start_without_keys(monkeypatch, capsys):
    monkeypatch.delenv("MAKISTRY_API_KEYS", raising=False)
    assert cli.main(["--port", "0"]) == 2
    assert "MAKISTRY_API_KEYS" in capsys.readouterr().err


@pytest.mark.parametrize("address,reason", [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
    ("10.0.0.5", "private"), ("172.20.1.1", "private"), ("fd00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1%eth0", "link-local"), ("0.0.0.0", "private"),
    ("100.64.1.1", "not a public"), ("224.0.0.1", "multicast")])
def test_internal_addresses_are_refused(address, reason):
    assert reason in refused_address(address, [])


def test_public_addresses_and_allowed_networks_pass():
    assert refused_address("93.184.216.34", []) is None
    assert refused_address("2606:4700::1111", []) is None
    assert refused_address("127.0.0.1", config.parse_networks("loopback")) is None
    assert "private" in refused_address("10.0.0.5", config.parse_networks("loopback"))
