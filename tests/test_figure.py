"""`quartiers-kg graph`: a picture of how the modules relate, one node per module, with a legend."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from quartiers_kg.cli import main


def test_svg_has_one_node_per_module_and_a_legend(runner, settings, store, tmp_path):
    out = tmp_path / "modules.svg"
    result = runner.invoke(main, ["--store-dir", str(settings.store_dir), "graph", "-o", str(out)])
    assert result.exit_code == 0, result.output
    svg = ET.parse(out)
    nodes = next(e for e in svg.iter() if e.get("id") == "modules")
    modules = len(list(store.query("SELECT DISTINCT ?m { ?m <https://w3id.org/quartiers-kg/ontology#moduleNumber> ?n }")))
    assert len([e for e in nodes.iter() if e.tag.endswith("}use")]) == modules == 4
    legend = next(e for e in svg.iter() if e.get("id") == "legend")
    assert "Verweis" in "".join(legend.itertext())  # kinds are named in German
    texts = {t.text for t in svg.iter() if t.tag.endswith("}text")}
    assert {"35", "69", "75", "116"} <= texts


def test_png_and_bad_suffix(runner, settings, tmp_path):
    png = tmp_path / "modules.png"
    assert runner.invoke(main, ["--store-dir", str(settings.store_dir), "graph", "-o", str(png), "--kind", "reference"]).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = runner.invoke(main, ["--store-dir", str(settings.store_dir), "graph", "-o", str(tmp_path / "x.gif")])
    assert bad.exit_code == 1 and ".svg or .png" in bad.output
