"""The crawler against hostile sites on loopback: addresses that climb out of the roots, redirects to other hosts and
ports, compression bombs, huge, slow and endless bodies. Nothing may be written outside the mirror, nothing off the
sites fetched, no response take more than its bounds, the good pages stay, and every address left out is named."""

from __future__ import annotations

import gzip
import json
import socket
import tracemalloc
from pathlib import Path

import pytest
from flask import Response

from quartiers_kg.build import page_files, read_pages
from quartiers_kg.cli import main
from quartiers_kg.errors import FetchRefused
from quartiers_kg.fetch.mirror import Mirror, Record
from quartiers_kg.fetch.scope import Scope, Site, normalise
from quartiers_kg.fetch.transport import Limits, Transport
from quartiers_kg.source.files import MANIFEST

from .mocksite import ROOT, MockSite, _html, _print_html, serving, streamed

CAP = 1 << 20  # QKG_FETCH_MAX_BYTES of these tests
CANARY = "KANARIENVOGEL-aus-dem-Innern"
DRUCK = "/druck/druck_{:02d}.html"


def run_fetch(runner, site, into, numbers="7-30", **settings):
    env = {"QKG_PRINT_URL": site.url + "/druck/druck_{number:02d}.html", "QKG_WEB_ROOT": site.url + ROOT,
           "QKG_FETCH_TIMEOUT": "3", "QKG_FETCH_RETRIES": "0", "QKG_CONTACT_EMAIL": "test@example.org",
           "QKG_FETCH_PRIVATE_HOSTS": "127.0.0.1", "QKG_FETCH_MAX_BYTES": str(CAP), "QKG_FETCH_PAGE_DEADLINE": "2",
           **{f"QKG_{k.upper()}": v for k, v in settings.items()}}
    return runner.invoke(main, ["fetch", "--numbers", numbers, "--into", str(into), "--delay", "0"], env=env)


def last_run(into) -> dict:
    return json.loads((into / MANIFEST).read_text(encoding="utf-8"))["last_run"]


def files_outside(tmp_path: Path, into: Path) -> list[Path]:
    return [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_relative_to(into)]


@pytest.fixture
def site():
    site = MockSite().build()
    site.slow.clear()
    with serving(site):
        yield site


@pytest.fixture
def other():
    """Another server on loopback, on another port: what a redirect must never reach (its pages say the canary)."""
    other = MockSite()
    for number in range(10, 30):
        other.pages[DRUCK.format(number)] = ("text/html", _print_html(number, CANARY))
    with serving(other):
        yield other


def test_addresses_with_dot_segments_stay_inside_the_mirror_and_the_roots(runner, site, tmp_path):
    escape_web = f"{site.url}{ROOT}../../../../escape-web/"
    site.pages[ROOT] = ("text/html; charset=utf-8", _html("Modulbaukasten", "<p>Alle Module</p>", [
        escape_web, f"{ROOT}modul-07-testmodul/", f"{ROOT}%2e%2e/%2E%2E/escape-encoded/", f"{ROOT}broschuere/"]))
    site.pages[f"{ROOT}broschuere/"] = ("application/pdf", b"%PDF-1.4")
    for path in ("/escape-web/", "/escape-encoded/", "/escape-print/druck_20.html", "/escape/druck_21.html"):
        site.pages[path] = ("text/html", _print_html(20, CANARY))
    site.moved[DRUCK.format(20)] = "/druck/../../../escape-print/druck_20.html"
    site.moved[DRUCK.format(21)] = "/druck/%2e%2e/%2E%2E/%2e%2e/escape/druck_21.html"
    site.moved[DRUCK.format(22)] = "/druck/..%2F..%2F..%2Fescape/druck_22.html"  # a separator once the server decodes it
    into = tmp_path / "mirror"
    result = run_fetch(runner, site, into, numbers="7,20-22")
    asked = [path for _, path, _ in site.requests]
    assert not [p for p in asked if "escape" in p], asked
    assert files_outside(tmp_path, into) == []
    run = last_run(into)
    assert run["skipped"][f"{site.url}{DRUCK.format(20)}"].startswith("redirect refused: to ")
    assert "/escape-print/druck_20.html: not under" in run["skipped"][f"{site.url}{DRUCK.format(20)}"]
    assert "/escape/druck_21.html: not under" in run["skipped"][f"{site.url}{DRUCK.format(21)}"]
    assert run["skipped"][f"{site.url}{ROOT}broschuere/"].startswith("not HTML: Content-Type application/pdf")
    assert run["off_site_links"][escape_web].startswith(f"{site.url}/escape-web/: not under")
    assert f"{site.url}/escape-encoded/" in run["off_site_links"][f"{site.url}{ROOT}%2e%2e/%2E%2E/escape-encoded/"]
    assert "an encoded '/'" in run["skipped"][f"{site.url}{DRUCK.format(22)}"]
    assert f"skipped {site.url}{DRUCK.format(20)} (redirect refused" in result.output
    assert (into / f"127.0.0.1:{site.url.rsplit(':', 1)[1]}/druck/druck_07.html").is_file()  # the good page


def test_redirects_to_other_hosts_and_ports_are_refused_and_nothing_of_them_published(runner, site, other, tmp_path):
    port = site.url.rsplit(":", 1)[1]
    site.moved[DRUCK.format(10)] = other.url + DRUCK.format(10)  # another port on 127.0.0.1
    site.moved[DRUCK.format(13)] = "http://169.254.169.254/latest/meta-data/druck_13.html"  # the cloud's metadata
    site.moved[DRUCK.format(14)] = f"http://localhost:{port}{DRUCK.format(14)}"  # the same server under another name
    site.moved[DRUCK.format(15)] = f"https://127.0.0.1:{port}{DRUCK.format(15)}"  # another scheme
    site.moved[DRUCK.format(16)] = f"http://user@127.0.0.1:{port}{DRUCK.format(16)}"
    into = tmp_path / "mirror"
    run_fetch(runner, site, into, numbers="7,10,13-16")
    assert other.requests == []
    skipped = last_run(into)["skipped"]
    for number, why in ((10, f"127.0.0.1:{other.url.rsplit(':', 1)[1]}{DRUCK.format(10)}: not under"),
                        (13, "169.254.169.254/latest/meta-data/druck_13.html: not under"),
                        (14, f"localhost:{port}{DRUCK.format(14)}: not under"), (15, "https://127.0.0.1"),
                        (16, "user information")):
        assert skipped[site.url + DRUCK.format(number)].startswith("redirect refused"), number
        assert why in skipped[site.url + DRUCK.format(number)], number
    batch = read_pages(page_files([into]))
    assert {p.module.number for p in batch.pages} == {7, 9}  # 7 in print and on the web, 9 on the web
    assert not any(CANARY in p.read_text(errors="replace") for p in into.rglob("*") if p.is_file())


def _gzip_bomb() -> bytes:
    return gzip.compress(b"\0" * (64 << 20), compresslevel=9)  # 64 KiB that decode to 64 MiB


def test_bodies_past_their_bounds_are_dropped_named_and_the_last_good_copy_kept(runner, site, tmp_path):
    into = tmp_path / "mirror"
    first = run_fetch(runner, site, into, numbers="7,9")
    assert first.exit_code == 0, first.output
    held = into / f"127.0.0.1:{site.url.rsplit(':', 1)[1]}/druck/druck_07.html"
    good = held.read_bytes()
    bomb = _gzip_bomb()
    slow, endless, huge = [], [], []
    site.handlers[DRUCK.format(7)] = lambda: Response(bomb, content_type="text/html", headers={"Content-Encoding": "gzip"})
    site.handlers[DRUCK.format(9)] = lambda: Response(iter([b"x" * 100]), content_type="text/html",
                                                      headers={"Content-Length": str(50 << 20)})  # announced
    site.handlers[DRUCK.format(17)] = streamed(b"<p>" + b"x" * 65533, 800, 0, huge)  # 50 MB, no length announced
    site.handlers[DRUCK.format(18)] = streamed(b"x", 20, 1.0, slow)  # a byte a second
    site.handlers[DRUCK.format(19)] = streamed(b"<p>mehr</p>", None, 0.05, endless)  # never ends, stays small
    site.handlers[DRUCK.format(23)] = lambda: Response(b"kaputt" * 100, content_type="text/html",
                                                       headers={"Content-Encoding": "gzip"})
    result = run_fetch(runner, site, into, numbers="7,9,17-19,23")
    assert result.exit_code == 1
    failures = {line.split(": ", 1)[0]: line for line in last_run(into)["failures"]}
    expect = {7: "too large: ", 9: "too large: ", 17: "too large: ", 18: "too slow: ", 19: "too slow: ", 23: "unreadable: "}
    for number, kind in expect.items():
        assert kind in failures[site.url + DRUCK.format(number)], failures
        assert f"failed {site.url}{DRUCK.format(number)}: {kind}" in result.output
    assert "once decoded" in failures[site.url + DRUCK.format(7)] and "announced" in failures[site.url + DRUCK.format(9)]
    assert held.read_bytes() == good  # the bomb did not replace the page held
    assert not any(p.stat().st_size > CAP for p in into.rglob("*") if p.is_file())
    assert sum(huge) < 3 * CAP  # the transfer was cut, not read to its end (the socket's buffers hold a little more)
    assert len(slow) < 20 and sum(endless) < CAP
    for number in (17, 18, 19):
        assert not (into / f"127.0.0.1:{site.url.rsplit(':', 1)[1]}" / DRUCK.format(number).lstrip("/")).exists()


def test_the_fetch_memory_stays_bounded_whatever_the_body(tmp_path):
    """A gzip bomb and a 50 MB body cost the crawler about its cap, not the body (64 MiB and 50 MB unbounded)."""
    from quartiers_kg.config import Settings
    from quartiers_kg.fetch import toolbox_crawler

    site = MockSite().build()
    bomb = _gzip_bomb()
    site.handlers[DRUCK.format(7)] = lambda: Response(bomb, content_type="text/html", headers={"Content-Encoding": "gzip"})
    site.handlers[DRUCK.format(9)] = streamed(b"x" * 65536, 800, 0, [])
    settings = Settings.from_env({}, fetch_private_hosts="127.0.0.1", fetch_max_bytes=CAP, fetch_retries=0, fetch_delay=0.0)
    with serving(site, apart=True):
        crawler = toolbox_crawler(settings.with_(print_url=site.url + "/druck/druck_{number:02d}.html",
                                                 web_root=site.url + ROOT), tmp_path / "mirror")
        tracemalloc.start()
        try:
            summary = crawler.run([site.url + DRUCK.format(7), site.url + DRUCK.format(9)])
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert [f.split(": ")[1] for f in summary.failures] == ["too large", "too large"], summary.failures
    assert peak < 4 * CAP, peak


def test_the_run_has_a_deadline_and_names_what_it_left(runner, site, tmp_path):
    site.handlers[DRUCK.format(7)] = streamed(b"<p>mehr</p>", None, 0.05, [])
    into = tmp_path / "mirror"
    result = run_fetch(runner, site, into, numbers="7,9,10", fetch_page_deadline="60", fetch_run_deadline="1.5")
    assert result.exit_code == 1
    failures = last_run(into)["failures"]
    assert any(f.startswith(site.url + DRUCK.format(7) + ": too slow: ") for f in failures)
    for number in (9, 10):
        assert f"{site.url}{DRUCK.format(number)}: too slow: the run's deadline" in "\n".join(failures)
    assert f"{site.url}{ROOT}: too slow: the run's deadline" in "\n".join(failures)


def test_robots_skips_are_named_in_the_summary_and_the_manifest(runner, site, tmp_path):
    into = tmp_path / "mirror"
    result = run_fetch(runner, site, into, numbers="7")
    entwurf = f"{site.url}{ROOT}intern/entwurf/"
    assert last_run(into)["skipped"][entwurf] == "robots: robots.txt of " + site.url.split("//")[1] + " disallows it"
    assert f"skipped {entwurf} (robots: " in result.output and "1 skipped" in result.output


# ---------------------------------------------------------------------- the parts, without a site


def test_addresses_are_normalised_before_any_decision():
    assert normalise("HTTPS://Www.IAT.eu:443/aq-nrw/modulbaukasten/./a/../b/%7e%41") == \
        "https://www.iat.eu/aq-nrw/modulbaukasten/b/~A"
    scope = Scope(Site.of("https://www.iat.eu/aq-nrw/modulbaukasten/"))
    for bad, why in (("https://www.iat.eu/aq-nrw/modulbaukasten/../../etc/", "not under"),
                     ("https://www.iat.eu/aq-nrw/modulbaukasten%2F../x/", "encoded"),
                     ("https://www.iat.eu/aq-nrw/modulbaukasten/%2e%2E/x/", "not under"),
                     ("https://www.iat.eu:8443/aq-nrw/modulbaukasten/", "not under"),
                     ("http://www.iat.eu/aq-nrw/modulbaukasten/", "not under"),
                     ("https://www.iat.eu.evil.example/aq-nrw/modulbaukasten/", "not under"),
                     ("https://www.iat.eu@evil.example/aq-nrw/modulbaukasten/", "user information"),
                     ("https://www.iat.eu\\@evil.example/aq-nrw/modulbaukasten/", "character"),
                     ("file:///etc/passwd", "scheme"), ("https://[::1]/aq-nrw/modulbaukasten/", "plain host name"),
                     ("https://www.iat.eu/aq-nrw/modulbaukasten/?page=2", "query")):
        with pytest.raises(FetchRefused, match=why):
            scope.admit(bad)


def test_the_transport_never_connects_to_a_private_address(monkeypatch):
    connected = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connected.append(a) or pytest.fail("connected"))

    def resolver(address):
        return lambda host, port, **_: [(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                                         (address, port))]

    for address in ("169.254.169.254", "10.1.2.3", "192.168.0.1", "127.0.0.2", "224.0.0.1", "100.64.0.1", "::1",
                    "::ffff:127.0.0.1", "fe80::1", "0.0.0.0"):
        transport = Transport(Limits(), "test", resolve=resolver(address))
        with pytest.raises(FetchRefused, match=f"resolves to {address}") as refused:
            transport.get("http://toolbox.example/aq-nrw/")
        assert refused.value.kind == "private address"
    with pytest.raises(FetchRefused, match="an IP address as host"):
        Transport(Limits(), "test", resolve=resolver("93.184.215.14")).get("http://93.184.215.14/")
    assert connected == []


def test_the_mirror_writes_only_inside_itself(tmp_path):
    mirror = Mirror(tmp_path / "mirror")
    for url in ("http://host/a/../../../outside.html", "http://host/../x.html"):
        with pytest.raises(FetchRefused, match="outside the mirror"):
            mirror.write(url, b"x", Record(200, "now"))
    (tmp_path / "mirror" / "host").symlink_to(tmp_path)  # a link inside the mirror pointing out of it
    with pytest.raises(FetchRefused, match="outside the mirror"):
        mirror.write("http://host/page.html", b"x", Record(200, "now"))
    assert files_outside(tmp_path, tmp_path / "mirror") == []
