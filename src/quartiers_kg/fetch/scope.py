"""Where the crawler may go: every address normalised (RFC 3986) before any decision, then held against the sites.

A site is a scheme, a host, a port and a root path, exactly as the settings name it; an address is admitted when
its normalised form lies under the root of one of them. Nothing else is looked at: a link, a redirect's target and
a print page's address all pass `Scope.admit`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from ..errors import FetchRefused

DEFAULT_PORTS = {"http": 80, "https": 443}
UNRESERVED = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# what no address of the toolbox holds: controls, spaces, backslashes (browsers read them as '/'), quotes, angles
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f\\\"<>^`{|}]")
_ENCODED_SEPARATOR = re.compile(r"%(2F|5C|00)")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$|^\d+(\.\d+){3}$")


def normalise(url: str) -> str:
    """The address in RFC 3986's normal form: scheme and host in lower case, no default port, percent-encoding of
    unreserved characters decoded and the rest in upper case, dot segments removed, no fragment, '/' for no path.

    >>> normalise("HTTP://WWW.Example.ORG:80/a/./b/../%7Ec/%2e%2E/d%3a#x")
    'http://www.example.org/a/d%3A'

    :raises FetchRefused: ("off-site") for what is no http(s) address of a named host: another scheme, user
        information, a host that is not a plain name or an IPv4 address, a bad port, control characters, an encoded
        separator in the path.
    """
    if _FORBIDDEN.search(url):
        raise FetchRefused("off-site", f"{url!r}: holds a character no address of the sites holds")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        raise FetchRefused("off-site", f"{url!r}: not an address ({err})") from err
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise FetchRefused("off-site", f"{url!r}: scheme {scheme or 'none'!r}, not http or https")
    if "@" in parts.netloc:
        raise FetchRefused("off-site", f"{url!r}: user information in the address")
    host = (parts.hostname or "").rstrip(".")
    if not _HOST.match(host):
        raise FetchRefused("off-site", f"{url!r}: host {host!r} is not a plain host name")
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _percent(parts.path)
    if _ENCODED_SEPARATOR.search(path):  # a server may decode it into a separator after our checks
        raise FetchRefused("off-site", f"{url!r}: an encoded '/', '\\' or NUL in the path")
    path = remove_dot_segments(path) or "/"
    return urlunsplit((scheme, netloc, path, _percent(parts.query), ""))


def _percent(text: str) -> str:
    """Decode what needs no encoding (unreserved characters, '%2E' among them), upper-case the hex of the rest."""
    def one(match: re.Match) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED_CHARS else "%" + match.group(1).upper()
    return UNRESERVED.sub(one, text)


def remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4: '.' and '..' segments resolved; '..' never climbs above the root.

    >>> remove_dot_segments("/a/b/c/./../../g"), remove_dot_segments("/../../../etc/passwd")
    ('/a/g', '/etc/passwd')
    """
    out: list[str] = []
    segments = path.split("/")
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == ".":
            if last:
                out.append("")
        elif segment == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/".join(out)


@dataclass(frozen=True)
class Site:
    """One site the crawler may visit: an origin and the folder under which it stays."""

    scheme: str
    netloc: str
    root: str  # a path ending in '/'

    @classmethod
    def of(cls, url: str) -> "Site":
        """The site of an address: its origin and its folder (the address itself where it ends in '/')."""
        parts = urlsplit(normalise(url))
        return cls(parts.scheme, parts.netloc, parts.path[: parts.path.rfind("/") + 1])

    def holds(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme == self.scheme and parts.netloc == self.netloc and parts.path.startswith(self.root)

    def __str__(self) -> str:
        return f"{self.scheme}://{self.netloc}{self.root}"


class Scope:
    """The sites of a run; `admit` gives the normalised address or refuses it with the reason."""

    def __init__(self, *sites: Site):
        self.sites = sites

    def admit(self, url: str) -> str:
        """The normalised address, if it lies under one of the sites.

        :raises FetchRefused: ("off-site") naming the address and the sites it is not under.
        """
        address = normalise(url)
        if urlsplit(address).query:
            raise FetchRefused("off-site", f"{address}: an address with a query string is no page of the toolbox")
        if not any(site.holds(address) for site in self.sites):
            raise FetchRefused("off-site", f"{address}: not under {' or '.join(map(str, self.sites))}")
        return address
