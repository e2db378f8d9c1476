"""What the graph holds and where each value came from: the coverage page and the module page's sources."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import pytest

from quartiers_kg.build import build
from quartiers_kg.config import ROOT, Settings
from quartiers_kg.web import create_app

from ..pages import full_page, web_overview, web_page, web_url
from ..test_web_pages import every_tab, mirror
from ..conftest import served_client


class Page(HTMLParser):
    """Table rows (cells' text) and links (href, text) of an HTML page."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[tuple[str, str]] = []
        self._cell: list[str] | None = None
        self._href: str | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a":
            self._href, self._text = dict(attrs).get("href"), []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._href is not None:
            self._text.append(data)


def test_coverage_page_of_the_seed(client):
    page = Page(client.get("/coverage").data.decode())
    pages_header = page.rows.index(["Modul", "Seite", "Abschnitte", "verworfene Zeilen"])
    header, *rows = page.rows[:pages_header]
    # the pages read: the seed, a text page, gave every section it holds and dropped nothing
    [seed] = page.rows[pages_header + 1:]
    assert seed[:2] == ["116", "Druckseite"] and seed[3] == "0"
    assert {"Zielsetzung", "Stolpersteine", "Links"} <= set(seed[2].split(" · ")) and len(seed[2].split(" · ")) == 17
    row_of = {r[0].split()[0]: r for r in rows if r and r[0].split()[0].isdigit()}
    assert set(row_of) == {"116", "35", "69", "75"}
    assert row_of["116"][1:-2].count("✓") == 17 and "–" not in row_of["116"]  # every section but the optional one
    assert "nicht eingelesen" in row_of["35"][1]
    totals = rows[-1]
    assert totals[0].startswith("gelesen") and totals[header.index("Finanzierung")] == "1/0/0"
    assert ("/coverage", "Abdeckung") in Page(client.get("/").data.decode()).links


def test_coverage_as_csv(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/coverage?format=csv").data.decode())))
    states = {r["heading"]: r["state"] for r in rows if r["number"] == "116"}
    assert states["Finanzierung"] == "read" and len(states) == 17
    assert {r["pages"] for r in rows if r["number"] == "35"} == {"0"}


def test_module_page_names_the_lines_of_each_section(client):
    page = Page(client.get("/module/116").data.decode())
    source = [text for href, text in page.links if href.endswith("druck_116.html")]
    assert source.count("Druckseite") >= 10  # a source link per section shown
    html = client.get("/module/116").data.decode()
    seed = (ROOT / "data/modules/druck_116.txt").read_text(encoding="utf-8").splitlines()
    first = seed.index("Zielsetzung") + 1
    assert f"Zeilen {first}–" in html  # the objective's lines, as the page numbers them
    unread = client.get("/module/35").data.decode()
    assert "nicht eingelesen" in unread and "druck_35.html" in unread


@pytest.fixture(scope="module")
def assembled(tmp_path_factory):
    """A store built from a mirror: module 7 from its web tabs and its print page, 9 from web tabs alone."""
    folder = tmp_path_factory.mktemp("data")
    (folder / "modules").mkdir()
    (folder / "modules" / "druck_07.txt").write_text(full_page(Zielsetzung=["Das Ziel der Druckseite."]), encoding="utf-8")
    mirror(folder / "sources", every_tab(7) | every_tab(9) | {
        web_url(11, ""): web_page("Elftes Modul", web_overview(objective=("Nur die Übersicht.",)), 1, pages=7)})
    settings = Settings.from_env({}, source_dir=folder, store_dir=tmp_path_factory.mktemp("store"), build_processes=1)
    build(settings)
    return served_client(create_app(settings))


def test_assembled_module_shows_both_sources_and_which_was_taken(assembled):
    html = assembled.get("/module/7").data.decode()
    assert "Ein Ziel, das im Netz steht." in html and "Das Ziel der Druckseite." not in html
    page = Page(html)
    named = {text for href, text in page.links if href == web_url(7, "") or href.endswith("druck_07.html")}
    assert {"Webseite", "Druckseite"} <= named  # the section's two sources
    assert "(nicht übernommen)" in html
    coverage = {r[0]: r[1] for r in page.rows if len(r) == 2}
    assert coverage["Webseiten"] == "6, nicht eingelesen: Seite 2, 6"


def test_coverage_of_an_assembled_toolbox(assembled):
    rows = list(csv.DictReader(io.StringIO(assembled.get("/coverage?format=csv").data.decode())))
    of = lambda n, state: {r["heading"] for r in rows if r["number"] == n and r["state"] == state}  # noqa: E731
    assert "Finanzierung" in of("7", "read") and not of("7", "missing")
    assert {"Finanzierung", "Literatur", "Links"} <= of("9", "missing") and "Zielsetzung" in of("9", "read")
    eleven = [r for r in rows if r["number"] == "11"]
    assert eleven[0]["webPages"] == "7" and sorted(map(int, eleven[0]["webPagesMissing"].split())) == [2, 3, 4, 5, 6, 7]
