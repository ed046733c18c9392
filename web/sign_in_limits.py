"""Failed sign-ins, limited per account and per client address, counted in one store that
every worker shares.

- Per account (the normalised email, known or not): after ``LIMIT_PER_ACCOUNT`` failures every
  attempt at that account is refused until the window moves on, the right password too, so
  guessing one account's password is slow whatever addresses the guesses come from.
- Per client address: after ``LIMIT_PER_ADDRESS`` failures a wrong password is refused with
  429, but the password is still checked and the right one signs in (unless its account is
  limited). Staff behind one office address are not locked out by someone else's attempts.
- The store: Redis at ``CACHE_REDIS_URL`` when it is set, shared by every worker and host. Without
  it each worker counts on its own (``memory://``), so with N workers N times as many guesses
  pass: production needs Redis, and says so in its log when it has none.
- The client address is ``REMOTE_ADDR``, unless that is one of ``TRUSTED_PROXIES`` (addresses or
  networks, separated by spaces or commas; none by default): then it is the right-most
  ``X-Forwarded-For`` address that is not itself a trusted proxy. From anyone else the header is
  ignored, so a client cannot choose the address it is counted under.
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Iterable, Mapping, Sequence

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

LIMIT_PER_ACCOUNT = "5 per minute"
# Higher than an account's: several people may share an office's address.
LIMIT_PER_ADDRESS = "20 per minute"
KEY_PREFIX = "observatory-sign-in"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_proxies(setting: str | None) -> tuple[Network, ...]:
    """The networks of ``TRUSTED_PROXIES`` (``"127.0.0.1 10.0.0.0/8"``); ValueError names a
    value that is no address or network."""
    networks = []
    for value in re.split(r"[\s,]+", (setting or "").strip()):
        if not value:
            continue
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError as error:
            raise ValueError(f"TRUSTED_PROXIES: {value!r} is no IP address or network") from error
    return tuple(networks)


def _is_trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(
    remote_addr: str | None, forwarded_for: Iterable[str], proxies: Sequence[Network]
) -> str:
    """The address a request is counted under (see the module's rule)."""
    address = remote_addr or "unknown"
    if not _is_trusted(address, proxies):
        return address
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _is_trusted(hop, proxies):
            return hop
        address = hop
    return address


class SignInLimits:
    """The two limits over one store (``storage_uri``: ``memory://`` or a ``redis://`` URL)."""

    per_account = parse(LIMIT_PER_ACCOUNT)
    per_address = parse(LIMIT_PER_ADDRESS)

    def __init__(self, storage_uri: str) -> None:
        self.storage_uri = storage_uri
        self._window = MovingWindowRateLimiter(storage_from_string(storage_uri))

    @property
    def shared(self) -> bool:
        """True when every worker counts in the same store."""
        return not self.storage_uri.startswith("memory://")

    def _wait(self, item: RateLimitItem, key: str) -> int:
        if self._window.test(item, KEY_PREFIX, key):
            return 0
        reset_at = self._window.get_window_stats(item, KEY_PREFIX, key).reset_time
        return max(1, int(reset_at - time.time()) + 1)

    def account_wait(self, email: str) -> int:
        """Seconds until ``email`` may be tried again; 0 when it may be now."""
        return self._wait(self.per_account, "account:" + email)

    def address_wait(self, address: str) -> int:
        """Seconds until a wrong password from ``address`` is answered as such again."""
        return self._wait(self.per_address, "address:" + address)

    def failed(self, email: str, address: str) -> None:
        """Count one failed sign-in against the account and the address."""
        self._window.hit(self.per_account, KEY_PREFIX, "account:" + email)
        self._window.hit(self.per_address, KEY_PREFIX, "address:" + address)


def limits_from(environ: Mapping[str, str]) -> SignInLimits:
    """The limits over Redis at ``CACHE_REDIS_URL`` when it is set, else in this process."""
    return SignInLimits(environ.get("CACHE_REDIS_URL") or "memory://")
