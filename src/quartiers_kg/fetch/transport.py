"""One GET, bounded: the one door every request of the crawler passes, so the limits live in one place.

A host is resolved here and each of its addresses checked before a connection is made, and the connection goes to
the address checked (a second lookup cannot point it elsewhere): an IP literal, or a name with a loopback, private,
link-local, multicast or otherwise non-public address, is refused unless `private_hosts` names the host. The body is
streamed: the bytes received and the bytes after decoding (gzip, deflate) are counted against `max_bytes`, so a
compression bomb stops at the cap, and a watchdog closes the socket at the response's deadline, so a body sent a
byte at a time, or never ended, ends there.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import FetchRefused
from .scope import DEFAULT_PORTS

CHUNK = 64 * 1024
DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class Unreachable(Exception):
    """No complete answer: refused or broken connection, no answer within the timeout, a malformed response.
    The crawler retries these."""


@dataclass(frozen=True)
class Limits:
    """`timeout`: seconds between two reads; `deadline`: seconds for a whole response, from the connection to its
    last byte; `max_bytes`: of the body as received and as decoded."""

    timeout: float = 30.0
    deadline: float = 120.0
    max_bytes: int = 4 << 20


@dataclass(frozen=True)
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes = b""


class Transport:
    """GET over HTTP/1.1, one connection a request; see the module's docstring for what it refuses."""

    def __init__(self, limits: Limits, user_agent: str, private_hosts: frozenset[str] = frozenset(),
                 resolve: Callable = socket.getaddrinfo):
        self.limits, self.user_agent, self.private_hosts = limits, user_agent, private_hosts
        self.resolve = resolve  # the tests' seam for names that resolve to private addresses
        self.context = ssl.create_default_context()

    def get(self, url: str, headers: dict[str, str] | None = None, until: float | None = None) -> Response:
        """GET a normalised address; a 200's body is read whole (within the limits), any other status's not at all.

        `until`: a time.monotonic() by which the response must be complete, if earlier than its own deadline.
        :raises FetchRefused: ("private address", "too large", "too slow", "unreadable").
        :raises Unreachable: for what may go better on a second try.
        """
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS[parts.scheme]
        until = min(until or float("inf"), time.monotonic() + self.limits.deadline)
        sock = self._connect(parts.hostname or "", port, until)
        watchdog = _Watchdog(sock, until)
        try:
            if parts.scheme == "https":
                sock = self.context.wrap_socket(sock, server_hostname=parts.hostname)
            connection = http.client.HTTPConnection(parts.hostname, port, timeout=self.limits.timeout)
            connection.sock = sock
            connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers={
                "Host": parts.netloc, "User-Agent": self.user_agent, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                "Accept-Encoding": "gzip, deflate", "Connection": "close", **(headers or {})})
            response = connection.getresponse()
            if response.status != 200:
                return Response(response.status, response.headers)
            return Response(200, response.headers, self._body(response, watchdog))
        except (OSError, http.client.HTTPException) as err:
            if watchdog.fired:
                raise FetchRefused("too slow", f"not complete within {watchdog.granted:.3g} s") from err
            if isinstance(err, TimeoutError):
                raise Unreachable(f"no answer within {self.limits.timeout:g} s") from err
            raise Unreachable(f"{type(err).__name__}: {err}") from err
        finally:
            watchdog.cancel()
            sock.close()

    def _connect(self, host: str, port: int, until: float) -> socket.socket:
        """A TCP connection to a checked address of `host`, within the timeout and the deadline."""
        problem = None
        for address in self._addresses(host, port):
            try:
                sock = socket.create_connection((address, port), timeout=max(0.001, min(self.limits.timeout, until - time.monotonic())))
            except OSError as err:
                problem = err
                continue
            sock.settimeout(self.limits.timeout)
            return sock
        raise Unreachable(f"cannot connect to {host}:{port}: {problem}")

    def _addresses(self, host: str, port: int) -> list[str]:
        """The addresses of `host`, each one public, or the host named in `private_hosts`.

        :raises FetchRefused: ("private address") naming the host and the address.
        """
        allowed = host in self.private_hosts
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None and not allowed:
            raise FetchRefused("private address", f"{host}: an IP address as host, which no setting names "
                                                  "(QKG_FETCH_PRIVATE_HOSTS)")
        try:
            found = self.resolve(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as err:
            raise Unreachable(f"cannot resolve {host}: {err}") from err
        addresses = list(dict.fromkeys(info[4][0] for info in found))
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            ip = getattr(ip, "ipv4_mapped", None) or ip
            if not allowed and (not ip.is_global or ip.is_multicast):
                raise FetchRefused("private address", f"{host} resolves to {address}, not a public address "
                                                      "(QKG_FETCH_PRIVATE_HOSTS names the hosts allowed one)")
        return addresses

    def _body(self, response: http.client.HTTPResponse, watchdog: "_Watchdog") -> bytes:
        """The body, decoded, within `max_bytes` before and after decoding and within the deadline."""
        cap = self.limits.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.strip().isdigit() and int(declared) > cap:
            raise FetchRefused("too large", f"{int(declared)} bytes announced, more than {cap} (QKG_FETCH_MAX_BYTES)")
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity", *DECODERS):
            raise FetchRefused("unreadable", f"content encoding {encoding!r}, which was not asked for")
        decoder = zlib.decompressobj(DECODERS[encoding]) if encoding in DECODERS else None
        received, out = 0, bytearray()
        try:
            while chunk := response.read1(CHUNK):
                received += len(chunk)
                if received > cap:
                    raise FetchRefused("too large", f"more than {cap} bytes received (QKG_FETCH_MAX_BYTES)")
                out += decoder.decompress(chunk, cap + 1 - len(out)) if decoder else chunk
                if len(out) > cap or (decoder and decoder.unconsumed_tail):
                    raise FetchRefused("too large", f"more than {cap} bytes once decoded (QKG_FETCH_MAX_BYTES)")
                if watchdog.fired:
                    raise TimeoutError
            if decoder:
                out += decoder.flush()
                if not decoder.eof:
                    raise FetchRefused("unreadable", f"the {encoding} stream ends before its end")
        except zlib.error as err:
            raise FetchRefused("unreadable", f"the {encoding} stream is broken ({err})") from err
        return bytes(out)


class _Watchdog:
    """Shut a socket down at a moment: a read blocked on it returns, and `fired` says why."""

    def __init__(self, sock: socket.socket, until: float):
        self.sock, self.granted, self.fired = sock, max(0.0, until - time.monotonic()), False
        self.timer = threading.Timer(self.granted, self._fire)
        self.timer.daemon = True
        self.timer.start()

    def _fire(self) -> None:
        self.fired = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        self.timer.cancel()
