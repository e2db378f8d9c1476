"""The README stays true: CI runs exactly its test command, and every setting is documented."""

import re
from dataclasses import fields

from quartiers_kg.cli import main
from quartiers_kg.config import ROOT, Settings


def test_ci_runs_the_readme_test_command():
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    commands = [line for block in blocks[:2] for line in block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2 and "serve" in commands[0] and "pytest" in commands[1]
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    """As Datasette's test_docs does: a setting missing from the README fails here."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [f.name for f in fields(Settings) if f"`QKG_{f.name.upper()}`" not in readme]
    assert missing == []


def test_settings_command_prints_every_setting_in_force(runner):
    result = runner.invoke(main, ["settings"], env={"QKG_MAX_ROWS": "77", "QKG_STORE_PASSWORD": "geheim"})
    assert result.exit_code == 0, result.output
    printed = dict(line.split("\t#", 1)[0].split("=", 1) for line in result.output.splitlines())
    assert set(printed) == {f"QKG_{f.name.upper()}" for f in fields(Settings)}
    assert printed["QKG_MAX_ROWS"] == "77"
    assert printed["QKG_STORE_PASSWORD"] == "********" and "geheim" not in result.output
