"""The address a sign-in is counted under, and the two limits over the in-process store."""

from __future__ import annotations

import pytest

from web.sign_in_limits import SignInLimits, client_address, trusted_proxies

PROXIES = trusted_proxies("127.0.0.1, 10.0.0.0/8 ::1")


@pytest.mark.parametrize(
    ("remote", "forwarded", "counted"),
    [
        ("203.0.113.5", ["198.51.100.1"], "203.0.113.5"),  # no proxy: the header is ignored
        ("127.0.0.1", [], "127.0.0.1"),
        ("127.0.0.1", ["198.51.100.1"], "198.51.100.1"),
        ("127.0.0.1", ["198.51.100.1, 10.1.2.3"], "198.51.100.1"),  # through two proxies
        ("127.0.0.1", ["6.6.6.6, 198.51.100.1"], "198.51.100.1"),  # a forged left-most hop
        ("127.0.0.1", ["6.6.6.6", "198.51.100.1"], "198.51.100.1"),  # two header lines
        ("::1", ["2001:db8::7"], "2001:db8::7"),
        ("127.0.0.1", ["10.0.0.9"], "10.0.0.9"),  # only proxies: the farthest of them
        ("127.0.0.1", ["not-an-address"], "not-an-address"),
        (None, ["198.51.100.1"], "unknown"),
    ],
)
def test_forwarded_for_is_read_only_from_trusted_proxies(
    remote: str | None, forwarded: list[str], counted: str
) -> None:
    assert client_address(remote, forwarded, PROXIES) == counted


def test_no_proxy_is_trusted_by_default_and_a_bad_setting_is_named() -> None:
    assert trusted_proxies(None) == trusted_proxies("") == ()
    assert client_address("127.0.0.1", ["198.51.100.1"], ()) == "127.0.0.1"
    with pytest.raises(ValueError, match=r"TRUSTED_PROXIES: 'proxy\.example'"):
        trusted_proxies("127.0.0.1 proxy.example")


def test_each_limit_counts_its_own_key() -> None:
    limits = SignInLimits("memory://")
    assert not limits.shared and SignInLimits("redis://127.0.0.1:1/0").shared
    for _ in range(5):
        assert limits.account_wait("a@x.example") == 0
        limits.failed("a@x.example", "192.0.2.1")
    assert 0 < limits.account_wait("a@x.example") <= 61
    assert limits.account_wait("b@x.example") == 0
    assert limits.address_wait("192.0.2.1") == 0  # 5 of the address's 20
    for number in range(15):
        limits.failed(f"{number}@x.example", "192.0.2.1")
    assert 0 < limits.address_wait("192.0.2.1") <= 61
    assert limits.address_wait("192.0.2.2") == 0


def test_production_without_redis_says_the_limits_are_per_worker(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from flask import Flask

    from web.auth import install_auth

    production = {"OBSERVATORY_ENV": "production", "SECRET_KEY": "k" * 64}
    with caplog.at_level("WARNING", logger="web.auth"):
        install_auth(
            Flask("with-redis"),
            "Site",
            environ={**production, "CACHE_REDIS_URL": "redis://127.0.0.1:1/0"},
        )
    assert "Production needs Redis" not in caplog.text
    with caplog.at_level("WARNING", logger="web.auth"):
        install_auth(Flask("without-redis"), "Site", environ=production)
    assert "Production needs Redis" in caplog.text
