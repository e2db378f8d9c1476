"""A build after changing a page: exactly that change on /changes, in the Atom feed, in `quartiers-kg diff` and in the
dataset description."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import PROV

from quartiers_kg.build import build
from quartiers_kg.changes import difference
from quartiers_kg.cli import main
from quartiers_kg.config import ROOT, Settings
from quartiers_kg.web import create_app
from ..conftest import served_client

ATOM = "{http://www.w3.org/2005/Atom}"
OLD, NEW = "Netzwerke machen es möglich", "Netzwerke machen es oft möglich"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    root = tmp_path_factory.mktemp("changes")
    (root / "modules").mkdir()
    page = root / "modules" / "druck_116.txt"
    shutil.copy(ROOT / "data" / "modules" / "druck_116.txt", page)
    settings = Settings.from_env({}, source_dir=root, store_dir=root / "store", public_url="http://localhost/", build_processes=1)
    first, _ = build(settings)
    page.write_text(page.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    second, _ = build(settings)
    return settings, first.version, second.version


def test_difference():
    old = {"1": {"p": ["a"]}, "2": {"p": ["b"], "q": ["c"]}}
    new = {"2": {"p": ["b", "x"]}, "3": {"p": ["d"]}}
    assert difference(old, new) == {"added": ["3"], "removed": ["1"],
                                    "changed": {"2": {"p": {"old": ["b"], "new": ["b", "x"]}, "q": {"old": ["c"], "new": []}}}}


def test_changes_page_shows_exactly_that_change(rebuilt):
    settings, first, second = rebuilt
    html = served_client(create_app(settings)).get("/changes").get_data(as_text=True)
    newest, oldest = html.index(f'id="v-{second}"'), html.index(f'id="v-{first}"')
    assert newest < oldest  # newest first
    section = html[newest:oldest]
    assert section.count("</td></tr>") == 1 and "<th>Zielsetzung</th>" in section
    assert OLD in section and NEW in section and "Module: 1 geändert" in section
    assert "Module: 4 neu" in html[oldest:]


def test_atom_feed(rebuilt):
    settings, first, second = rebuilt
    r = served_client(create_app(settings)).get("/changes.atom")
    assert r.mimetype == "application/atom+xml"
    entries = ET.fromstring(r.data).findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}id").text.rsplit("/", 1)[-1] for e in entries] == [second, first]
    assert "1 geändert" in entries[0].find(f"{ATOM}title").text and "Zielsetzung" in entries[0].find(f"{ATOM}content").text


def test_diff_command(rebuilt, runner):
    settings, first, second = rebuilt
    out = runner.invoke(main, ["--store-dir", str(settings.store_dir), "diff"])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[:3] == [f"{first} -> {second}: 0 added, 0 removed, 1 changed", "~ module 116", "    qk:objective"]
    assert f"- {OLD}" in out.output and f"+ {NEW}" in out.output
    gone = runner.invoke(main, ["--store-dir", str(settings.store_dir), "diff", "20200101T000000-000000", second])
    assert gone.exit_code == 1 and "no longer kept" in gone.output


def test_description_names_each_version_and_what_it_revises(rebuilt):
    settings, first, second = rebuilt
    text = served_client(create_app(settings)).get("/", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    graph = Graph().parse(data=text, format="turtle")
    version = lambda v: URIRef(f"https://w3id.org/quartiers-kg/dataset/version/{v}")  # noqa: E731
    assert graph.value(version(second), PROV.wasRevisionOf) == version(first)
    assert graph.value(version(first), PROV.wasRevisionOf) is None


def test_a_version_no_longer_kept_says_so(rebuilt):
    """Runs last: a third build leaves the first one behind (two builds are kept)."""
    settings, first, second = rebuilt
    third, _ = build(settings)
    html = served_client(create_app(settings)).get("/changes").get_data(as_text=True)
    assert "Module: keine Änderung" in html[html.index(f'id="v-{third.version}"'):html.index(f'id="v-{second}"')]
    assert "wird nicht mehr vorgehalten" in html[html.index(f'id="v-{first}"'):]
    assert "wird nicht mehr vorgehalten" not in html[:html.index(f'id="v-{first}"')]
