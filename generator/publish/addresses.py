"""Where a download may be sent: the network class of an address, by its literal or by what the
name resolves to (for fetch.py).

A server may redirect anywhere, and a redirect is followed without the user seeing it: to the
cloud metadata service (169.254.169.254), to the router, to a service on the runner itself. So a
redirect may lead to a public address, or to the class the user's own starting address was in
(a test server on 127.0.0.1 may redirect within loopback; a registry on the office network
within the private ranges), never from one class to another. Every address a name resolves to
is checked, and the connection then goes to the address checked (no second look-up a DNS
rebinding could answer differently).
"""

from __future__ import annotations

import ipaddress
import socket

PUBLIC = "publik"
LOOPBACK = "loopback (komputer ini)"
LINK_LOCAL = "link-local (mis. layanan metadata cloud 169.254.169.254)"
PRIVATE = "jaringan pribadi atau khusus"


def classify_ip(text: str) -> str:
    """The class of one IP address literal (an IPv4-mapped IPv6 address counts as its IPv4)."""
    ip = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return LOOPBACK
    if ip.is_link_local:
        return LINK_LOCAL
    if ip.is_global and not ip.is_multicast:
        return PUBLIC
    return PRIVATE  # 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, 0.0.0.0, multicast ...


def resolve(host: str, port: int) -> list[tuple[str, str]]:
    """[(ip, class)] for every address `host` resolves to (a literal resolves to itself).
    socket.gaierror when the name is unknown."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, str] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = str(sockaddr[0])
        seen.setdefault(ip, classify_ip(ip))
    return list(seen.items())


def worst(classes: list[str]) -> str:
    """The class a name counts as: public only when every address it has is public."""
    for c in (LINK_LOCAL, LOOPBACK, PRIVATE):
        if c in classes:
            return c
    return PUBLIC


def pinned_connection(conn, ip: str) -> None:
    """Make `conn` (http.client) connect to `ip`, the address that was checked, while it keeps
    the name for the Host header, TLS's server name and the certificate check."""

    def create(address, timeout=None, source_address=None):
        return socket.create_connection((ip, address[1]), timeout, source_address)

    conn._create_connection = create
