"""The client's address as the sign-in throttle counts it: the socket's peer, or behind a trusted proxy its forward.

X-Forwarded-For is written by whoever sends the request, so it is read only when the request arrives from one
of CITY_TRUSTED_PROXIES, and then from the right: each proxy appends the address it saw, so the first address
from the right that is not itself a trusted proxy is the client. A malformed entry stops the walk there (the
last proxy's word is kept). With no proxies configured (the default) the header is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from settings import IPNetwork


def _trusted(address: str, proxies: Sequence[IPNetwork]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in proxies)


def client_address(peer: str, forwarded_for: str, proxies: Sequence[IPNetwork]) -> str:
    """The socket's peer, unless it is a trusted proxy: then the nearest untrusted hop of X-Forwarded-For."""
    address = peer
    if not proxies:
        return address
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    while _trusted(address, proxies) and hops:
        hop = hops.pop()
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            break
    return address
