"""A polite, incremental crawler of the toolbox: print pages by number, web pages by following links.

Polite: robots.txt is obeyed (its Crawl-delay too), the User-Agent names us and a contact, one request at a
time at least `delay` seconds apart, 429 and 503 are retried after their Retry-After a bounded number of
times. Incremental: a page in the mirror is asked for with If-None-Match / If-Modified-Since, and a 304 or
the same bytes rewrite nothing.
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

import requests

from .mirror import Mirror, Record, sha256

REDIRECTS = (301, 302, 303, 307, 308)
RETRY = (429, 503)
GAPS = (404, 410)
MAX_RETRY_AFTER = 120.0  # seconds; a longer wait counts as a failure, not as a reason to hang


@dataclass
class Summary:
    """What a run did, one count per outcome (new, changed, unchanged, gone, gap, failed, redirect, disallowed)."""

    counts: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    ORDER = ("new", "changed", "unchanged", "gone", "gap", "redirect", "disallowed", "failed")

    def line(self) -> str:
        return ", ".join(f"{self.counts[k]} {k}" for k in self.ORDER)

    @property
    def changed_anything(self) -> bool:
        """Whether the mirror's pages differ from before the run: a page new, changed or gone."""
        return any(self.counts[k] for k in ("new", "changed", "gone"))


@dataclass(frozen=True)
class Politeness:
    contact: str
    delay: float = 1.0
    timeout: float = 30.0
    retries: int = 3

    @property
    def user_agent(self) -> str:
        return f"quartiers-kg/{version('quartiers-kg')} (+mailto:{self.contact})"


def toolbox_crawler(settings, root: Path, delay: float | None = None) -> "Crawler":
    """A crawler of the toolbox's sites as the settings name them, into the mirror at `root`."""
    polite = Politeness(settings.contact_email, settings.fetch_delay if delay is None else delay, settings.fetch_timeout,
                        settings.fetch_retries)
    return Crawler(Mirror(root), polite, settings.web_root, settings.fetch_max_pages)


class Crawler:
    def __init__(self, mirror: Mirror, politeness: Politeness, web_root: str, max_pages: int = 5000,
                 session: requests.Session | None = None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.mirror, self.polite, self.max_pages = mirror, politeness, max_pages
        self.web_root = _folder(web_root)
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = politeness.user_agent
        self.clock, self.sleep = clock, sleep
        self.robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self.delays: dict[str, float] = {}
        self.last_request = -1e9
        self.summary = Summary()

    # ------------------------------------------------------------------ the run

    def run(self, print_urls: Iterable[str], progress: Callable[[int, int], None] = lambda done, total: None) -> Summary:
        """Fetch the print pages, then every web page reachable from the web root (at most `max_pages`).

        Only pages under the web root are followed; a redirect is followed where it stays under the web root,
        or from a print page to another print page.
        """
        queue: deque[str] = deque(print_urls)
        queue.append(self.web_root)
        seen, done, web_pages = set(queue), 0, 0
        while queue:
            url = queue.popleft()
            under_root = url.startswith(self.web_root)
            if under_root:
                if web_pages >= self.max_pages:
                    continue
                web_pages += 1
            for found in self.fetch(url, follow=under_root):
                if found not in seen and (found.startswith(self.web_root) or (_is_print(found) and _is_print(url))):
                    seen.add(found)
                    queue.append(found)
            done += 1
            progress(done, done + len(queue))
        self.mirror.finish(_now(), {k: self.summary.counts[k] for k in Summary.ORDER}, self.summary.failures)
        return self.summary

    def fetch(self, url: str, follow: bool) -> list[str]:
        """Fetch one address into the mirror; returns the addresses to go on with (links, a redirect's target)."""
        if not self._allowed(url):
            self.summary.counts["disallowed"] += 1
            return []
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
            previous = self.mirror.records.get(url)
            if previous is None:
                self.mirror.note(url, Record(0, _now(), error=str(err)))
            return []
        record = Record(response.status_code, _now(), etag=response.headers.get("ETag"),
                        last_modified=response.headers.get("Last-Modified"),
                        content_type=response.headers.get("Content-Type"), charset=_charset(response))
        if response.status_code in REDIRECTS:
            target = urldefrag(urljoin(url, response.headers.get("Location", "")))[0]
            record.location = target
            self.mirror.note(url, record)
            self.summary.counts["redirect"] += 1
            return [_normal(target)]
        if response.status_code == 304 and old:
            old.fetched = record.fetched
            self.mirror.note(url, old)
            self.summary.counts["unchanged"] += 1
            body = (self.mirror.root / old.path).read_bytes()
            return self._links(url, body, old.content_type) if follow else []
        if response.status_code in GAPS:
            self.summary.counts["gone" if old else "gap"] += 1
            self.mirror.forget(url, record)
            return []
        if response.status_code != 200:
            self.summary.counts["failed"] += 1
            self.summary.failures.append(f"{url}: HTTP {response.status_code}")
            if old is None:
                self.mirror.note(url, record)
            return []
        body = response.content
        if old and old.sha256 == sha256(body):
            self.summary.counts["unchanged"] += 1
            record.path, record.sha256 = old.path, old.sha256
            self.mirror.note(url, record)
        else:
            self.summary.counts["changed" if old else "new"] += 1
            self.mirror.write(url, body, record)
        return self._links(url, body, record.content_type) if follow else []

    # ------------------------------------------------------------------ one request, politely

    def _get(self, url: str, headers: dict) -> requests.Response:
        """GET with the delay kept, retried after 429/503 (Retry-After) and after timeouts, a bounded number of times."""
        host = urlsplit(url).netloc
        for attempt in range(self.polite.retries + 1):
            wait = self.last_request + max(self.polite.delay, self.delays.get(host, 0.0)) - self.clock()
            if wait > 0:
                self.sleep(wait)
            self.last_request = self.clock()
            try:
                response = self.session.get(url, headers=headers, timeout=self.polite.timeout, allow_redirects=False)
            except requests.Timeout:
                problem = f"no answer within {self.polite.timeout:g} s"
            except requests.RequestException as err:
                problem = f"{type(err).__name__}: {err}"
            else:
                if response.status_code not in RETRY:
                    return response
                after = _retry_after(response.headers.get("Retry-After"))
                problem = f"HTTP {response.status_code}"
                if after is not None and after > MAX_RETRY_AFTER:
                    raise _Failed(f"{problem}, Retry-After {after:g} s is too long to wait")
                if attempt < self.polite.retries:
                    self.sleep(after if after is not None else self.polite.delay * 2 ** attempt)
                continue
            if attempt < self.polite.retries:
                self.sleep(self.polite.delay * 2 ** attempt)
        raise _Failed(f"{problem} after {self.polite.retries + 1} attempts")

    def _allowed(self, url: str) -> bool:
        """robots.txt of the address's host, fetched once (404: everything allowed; unreachable: nothing)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.robots:
            robots = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
            try:
                response = self._get(origin + "/robots.txt", {})
                if response.status_code == 200:
                    robots.parse(response.text.splitlines())
                elif 400 <= response.status_code < 500:
                    robots.allow_all = True
                else:
                    robots.disallow_all = True
            except _Failed:
                robots.disallow_all = True  # RFC 9309: an unreachable robots.txt means stay away
            delay = robots.crawl_delay("quartiers-kg")
            if delay:
                self.delays[parts.netloc] = float(delay)
            self.robots[origin] = robots
        return self.robots[origin].can_fetch("quartiers-kg", url)

    def _links(self, url: str, body: bytes, content_type: str | None) -> list[str]:
        """The pages under the web root a page links to."""
        if content_type and "html" not in content_type:
            return []
        parser = _Links()
        parser.feed(body.decode("utf-8", errors="replace"))
        found = []
        for href in parser.hrefs:
            target = _normal(urldefrag(urljoin(url, href))[0].split("?", 1)[0])
            if target.startswith(self.web_root) and not _is_file(target):
                found.append(target)
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


def _charset(response: requests.Response) -> str | None:
    """The charset the server declared in Content-Type, if any (requests' own guess is not a declaration)."""
    for param in response.headers.get("Content-Type", "").split(";")[1:]:
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
