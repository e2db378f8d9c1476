"""The files of deploy/: systemd units that systemd accepts, and w3id.org's redirect rules."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from quartiers_kg.config import ROOT

DEPLOY = ROOT / "deploy"
UNITS = ["quartiers-kg.service", "quartiers-kg-update.service", "quartiers-kg-update.timer"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze on this machine")
def test_the_systemd_units_verify(tmp_path):
    """As installed in the checkout's place (/opt/quartiers-kg stands for it), systemd finds nothing to object to."""
    for name in UNITS:
        (tmp_path / name).write_text((DEPLOY / name).read_text(encoding="utf-8").replace("/opt/quartiers-kg", str(ROOT)))
    result = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / n) for n in UNITS)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_the_units_run_serve_and_update_and_the_timer_starts_the_update():
    text = {name: (DEPLOY / name).read_text(encoding="utf-8") for name in UNITS}
    assert re.search(r"^ExecStart=\S+/quartiers-kg serve$", text["quartiers-kg.service"], re.M)
    assert re.search(r"^ExecStart=\S+/quartiers-kg update$", text["quartiers-kg-update.service"], re.M)
    assert "Type=oneshot" in text["quartiers-kg-update.service"]
    assert re.search(r"^OnCalendar=\*-\*-\* \d\d:\d\d:00$", text["quartiers-kg-update.timer"], re.M)  # nightly
    assert "Unit=" not in text["quartiers-kg-update.timer"]  # the service of the timer's own name


def test_w3id_sends_every_permanent_iri_to_the_same_path_on_the_server():
    rules = re.findall(r"^RewriteRule\s+(\S+)\s+(\S+)\s+\[([^\]]+)\]", (DEPLOY / "w3id" / ".htaccess").read_text(), re.M)

    def redirect(path: str) -> tuple[str, str]:
        for pattern, target, flags in rules:
            if m := re.match(pattern, path):
                return re.sub(r"\$(\d)", lambda g: m.group(int(g.group(1))), target), flags
        raise AssertionError(path)

    assert redirect("module/116") == ("https://kg.example.org/module/116", "R=303,L,QSA")
    assert redirect("ontology")[0] == "https://kg.example.org/ontology"
    assert redirect("")[0] == "https://kg.example.org/"
