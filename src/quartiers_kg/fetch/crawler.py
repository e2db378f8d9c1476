"""A polite, incremental crawler of the toolbox: print pages by number, web pages by following links.

Confined: every address (print page, link, each redirect's target) is normalised and admitted by the scope (the
configured sites' hosts, ports and roots) before it is fetched, and every request passes the transport's bounds
(public addresses, bytes, deadlines). Polite: robots.txt is obeyed (its Crawl-delay too), the User-Agent names us
and a contact, one request at a time at least `delay` seconds apart, 429 and 503 are retried after their
Retry-After a bounded number of times. Incremental: a page in the mirror is asked for with If-None-Match /
If-Modified-Since, and a 304 or the same bytes rewrite nothing. Said: every address skipped or failed is named,
with its reason, in the summary and the manifest.
"""

from __future__ import annotations

import email.utils
import time
from pathlib import Path
import urllib.robotparser
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from importlib.metadata import version
from urllib.parse import urldefrag, urljoin, urlsplit

from ..errors import FetchRefused
from .mirror import Mirror, Record, sha256
from .scope import Scope, Site
from .transport import Limits, Response, Transport, Unreachable

REDIRECTS = (301, 302, 303, 307, 308)
RETRY = (429, 503)
GAPS = (404, 410)
MAX_RETRY_AFTER = 120.0  # seconds; a longer wait counts as a failure, not as a reason to hang
SKIPPED = ("robots", "off-site", "redirect refused", "not HTML", "too many")  # by rule; the rest of the kinds fail
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Summary:
    """What a run did: one count per outcome, every address failed or skipped with its reason, and the links that
    lead off the sites (not fetched, so no outcome of their own)."""

    counts: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # address -> "kind: reason"
    off_site: dict[str, str] = field(default_factory=dict)  # link -> reason

    ORDER = ("new", "changed", "unchanged", "gone", "gap", "redirect", "skipped", "failed")

    def line(self) -> str:
        counts = ", ".join(f"{self.counts[k]} {k}" for k in self.ORDER)
        return counts + (f"; {len(self.off_site)} link(s) off the sites not followed" if self.off_site else "")

    def refused(self, url: str, refusal: FetchRefused) -> None:
        """Count and name an address the crawler would not take: skipped by rule, or failed at a bound."""
        if refusal.kind in SKIPPED:
            self.counts["skipped"] += 1
            self.skipped[url] = f"{refusal.kind}: {refusal}"
        else:
            self.counts["failed"] += 1
            self.failures.append(f"{url}: {refusal.kind}: {refusal}")

    def named(self) -> list[str]:
        """A line per address skipped or failed, for the operator."""
        return [f"skipped {url} ({reason})" for url, reason in self.skipped.items()] + [f"failed {f}" for f in self.failures]

    @property
    def changed_anything(self) -> bool:
        """Whether the mirror's pages differ from before the run: a page new, changed or gone."""
        return any(self.counts[k] for k in ("new", "changed", "gone"))


@dataclass(frozen=True)
class Politeness:
    contact: str
    delay: float = 1.0
    retries: int = 3

    @property
    def user_agent(self) -> str:
        return f"quartiers-kg/{version('quartiers-kg')} (+mailto:{self.contact})"


def toolbox_crawler(settings, root: Path, delay: float | None = None) -> "Crawler":
    """A crawler of the toolbox's sites as the settings name them, into the mirror at `root`."""
    polite = Politeness(settings.contact_email, settings.fetch_delay if delay is None else delay, settings.fetch_retries)
    limits = Limits(settings.fetch_timeout, settings.fetch_page_deadline, settings.fetch_max_bytes)
    private = frozenset(h.strip().lower() for h in settings.fetch_private_hosts.split(",") if h.strip())
    transport = Transport(limits, polite.user_agent, private)
    web = Site.of(_folder(settings.web_root))
    scope = Scope(Site.of(settings.print_url.format(number=1)), web)
    return Crawler(Mirror(root), polite, scope, web, transport, settings.fetch_max_pages, settings.fetch_run_deadline)


class Crawler:
    """`scope` admits every address; `web` is the site whose pages are followed by their links."""

    def __init__(self, mirror: Mirror, politeness: Politeness, scope: Scope, web: Site, transport: Transport,
                 max_pages: int = 5000, run_deadline: float = float("inf")):
        self.mirror, self.polite, self.scope, self.web, self.transport = mirror, politeness, scope, web, transport
        self.max_pages, self.run_deadline = max_pages, run_deadline
        self.robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self.delays: dict[str, float] = {}
        self.last_request = -1e9
        self.until = float("inf")
        self.summary = Summary()

    # ------------------------------------------------------------------ the run

    def run(self, print_urls: Iterable[str], progress: Callable[[int, int], None] = lambda done, total: None) -> Summary:
        """Fetch the print pages, then every web page reachable from the web root (at most `max_pages`), all within
        the run's deadline.

        Links are followed under the web root; a redirect is followed where its target is admitted: a web page, or
        a print page from a print page.
        """
        self.until = time.monotonic() + self.run_deadline
        queue: deque[str] = deque()
        for url in [*print_urls, str(self.web)]:
            try:
                queue.append(self.scope.admit(url))
            except FetchRefused as refusal:
                self.summary.refused(url, refusal)
        seen, done, web_pages = set(queue), 0, 0
        while queue:
            url = queue.popleft()
            if time.monotonic() >= self.until:
                self.summary.refused(url, FetchRefused("too slow", f"the run's deadline of {self.run_deadline:g} s "
                                                                   "(QKG_FETCH_RUN_DEADLINE) passed before it"))
                continue
            on_web = self.web.holds(url)
            if on_web:
                if web_pages >= self.max_pages:
                    self.summary.refused(url, FetchRefused("too many", f"past the {self.max_pages} web pages a run "
                                                                       "visits (QKG_FETCH_MAX_PAGES)"))
                    continue
                web_pages += 1
            for found in self.fetch(url, follow=on_web):
                if found not in seen:
                    seen.add(found)
                    queue.append(found)
            done += 1
            progress(done, done + len(queue))
        self.mirror.finish(_now(), {k: self.summary.counts[k] for k in Summary.ORDER}, self.summary.failures,
                           self.summary.skipped, self.summary.off_site)
        return self.summary

    def fetch(self, url: str, follow: bool) -> list[str]:
        """Fetch one admitted address into the mirror; returns the addresses to go on with (links, a redirect's
        target), each admitted."""
        try:
            return self._fetch(url, follow)
        except FetchRefused as refusal:  # a bound or a rule: named; the mirror keeps the page's last good copy
            self.summary.refused(url, refusal)
            return []

    def _fetch(self, url: str, follow: bool) -> list[str]:
        if not self._allowed(url):
            raise FetchRefused("robots", f"robots.txt of {urlsplit(url).netloc} disallows it")
        old = self.mirror.has(url)
        headers = {}
        if old and old.etag:
            headers["If-None-Match"] = old.etag
        if old and old.last_modified:
            headers["If-Modified-Since"] = old.last_modified
        try:
            response = self._get(url, headers)
        except _Failed as err:
            self.summary.counts["failed"] += 1
            self.summary.failures.append(f"{url}: {err}")
            if self.mirror.records.get(url) is None:
                self.mirror.note(url, Record(0, _now(), error=str(err)))
            return []
        content_type = response.headers.get("Content-Type")
        record = Record(response.status, _now(), etag=response.headers.get("ETag"),
                        last_modified=response.headers.get("Last-Modified"), content_type=content_type,
                        charset=_charset(content_type))
        if response.status in REDIRECTS:
            record.location = urldefrag(urljoin(url, response.headers.get("Location", "")))[0]
            self.mirror.note(url, record)
            self.summary.counts["redirect"] += 1
            return [self._redirect(url, record.location)]
        if response.status == 304 and old:
            old.fetched = record.fetched
            self.mirror.note(url, old)
            self.summary.counts["unchanged"] += 1
            body = self.mirror.read(old)
            return self._links(url, body, old.content_type) if follow else []
        if response.status in GAPS:
            self.summary.counts["gone" if old else "gap"] += 1
            self.mirror.forget(url, record)
            return []
        if response.status != 200:
            self.summary.counts["failed"] += 1
            self.summary.failures.append(f"{url}: HTTP {response.status}")
            if old is None:
                self.mirror.note(url, record)
            return []
        if not content_type or content_type.split(";")[0].strip().lower() not in HTML_TYPES:
            raise FetchRefused("not HTML", f"Content-Type {content_type or 'missing'}, not a page")
        body = response.body
        if old and old.sha256 == sha256(body):
            self.summary.counts["unchanged"] += 1
            record.path, record.sha256 = old.path, old.sha256
            self.mirror.note(url, record)
        else:
            self.mirror.write(url, body, record)
            self.summary.counts["changed" if old else "new"] += 1
        return self._links(url, body, record.content_type) if follow else []

    def _redirect(self, url: str, target: str) -> str:
        """The redirect's target, admitted: under the web root, or a print page where a print page redirects.

        :raises FetchRefused: ("redirect refused") naming the target and why.
        """
        try:
            address = self.scope.admit(_normal(target))
        except FetchRefused as refusal:
            raise FetchRefused("redirect refused", f"to {target}: {refusal}") from refusal
        if not self.web.holds(address) and not (_is_print(address) and _is_print(url)):
            raise FetchRefused("redirect refused", f"to {address}: only a print page may lead to a print page")
        return address

    # ------------------------------------------------------------------ one request, politely

    def _get(self, url: str, headers: dict) -> Response:
        """GET with the delay kept, retried after 429/503 (Retry-After) and after timeouts, a bounded number of times.

        :raises FetchRefused: at once, for a bound the response broke or an address refused: not retried.
        """
        host = urlsplit(url).netloc
        for attempt in range(self.polite.retries + 1):
            self._pause(self.last_request + max(self.polite.delay, self.delays.get(host, 0.0)) - time.monotonic())
            self.last_request = time.monotonic()
            try:
                response = self.transport.get(url, headers, until=self.until)
            except Unreachable as err:
                problem = str(err)
            else:
                if response.status not in RETRY:
                    return response
                after = _retry_after(response.headers.get("Retry-After"))
                problem = f"HTTP {response.status}"
                if after is not None and after > MAX_RETRY_AFTER:
                    raise _Failed(f"{problem}, Retry-After {after:g} s is too long to wait")
                if attempt < self.polite.retries:
                    self._pause(after if after is not None else self.polite.delay * 2 ** attempt)
                continue
            if attempt < self.polite.retries:
                self._pause(self.polite.delay * 2 ** attempt)
        raise _Failed(f"{problem} after {self.polite.retries + 1} attempts")

    def _pause(self, seconds: float) -> None:
        """Wait, but never past the run's deadline (the next request then fails as too slow)."""
        seconds = min(seconds, self.until - time.monotonic())
        if seconds > 0:
            time.sleep(seconds)

    def _allowed(self, url: str) -> bool:
        """robots.txt of the address's host, fetched once (404: everything allowed; unreachable: nothing)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.robots:
            robots = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
            try:
                response = self._get(origin + "/robots.txt", {})
                if response.status == 200:
                    robots.parse(response.body.decode("utf-8", errors="replace").splitlines())
                elif 400 <= response.status < 500:
                    robots.allow_all = True
                else:
                    robots.disallow_all = True
            except (_Failed, FetchRefused):
                robots.disallow_all = True  # RFC 9309: an unreachable robots.txt means stay away
            delay = robots.crawl_delay("quartiers-kg")
            if delay:  # a site's wish, within reason: a Crawl-delay of days would stop the run
                self.delays[parts.netloc] = min(float(delay), MAX_RETRY_AFTER)
            self.robots[origin] = robots
        return self.robots[origin].can_fetch("quartiers-kg", url)

    def _links(self, url: str, body: bytes, content_type: str | None) -> list[str]:
        """The pages under the web root a page links to, admitted; the links off the sites go to the summary."""
        if content_type and "html" not in content_type:
            return []
        parser = _Links()
        parser.feed(body.decode("utf-8", errors="replace"))
        found = []
        for href in parser.hrefs:
            target = urldefrag(urljoin(url, href))[0].split("?", 1)[0]
            if urlsplit(target).scheme.lower() not in ("http", "https"):  # mailto:, tel:, javascript: are no pages
                continue
            try:
                address = self.scope.admit(_normal(target))
            except FetchRefused as refusal:
                self.summary.off_site.setdefault(target, str(refusal))
                continue
            if self.web.holds(address) and not _is_file(address):
                found.append(address)
        return list(dict.fromkeys(found))


class _Failed(Exception):
    """A fetch that did not succeed after its retries."""


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def _folder(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _normal(url: str) -> str:
    """Addresses with and without the trailing slash are one page: a path without a file name ends in '/'."""
    return url if url.endswith("/") or _is_file(url) else url + "/"


def _is_file(url: str) -> bool:
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    return "." in last


def _is_print(url: str) -> bool:
    return urlsplit(url).path.rsplit("/", 1)[-1].startswith("druck_")


def _charset(content_type: str | None) -> str | None:
    """The charset the server declared in Content-Type, if any."""
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"').lower()
    return None


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date.

    >>> _retry_after("3"), _retry_after(None)
    (3.0, None)
    """
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - datetime.now(timezone.utc)).total_seconds(), 0.0)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
