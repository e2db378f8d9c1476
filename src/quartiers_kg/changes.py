"""What changed between builds: each build keeps a summary of every module (its properties and their values as
text) and the history of differences, newest first, both in its build folder.

A value is what a person reads: a literal's text, or the label (or text) of what an IRI names. Provenance and
coverage are left out: they change with every fetch, not with the toolbox.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

QK = "https://w3id.org/quartiers-kg/ontology#"
SUMMARY, HISTORY = "modules.json", "changes.json"  # in the build folder
LEFT_OUT = (
    "http://www.w3.org/ns/prov#qualifiedDerivation", "http://www.w3.org/ns/prov#wasDerivedFrom",
    "http://www.w3.org/ns/prov#wasGeneratedBy", "http://purl.org/dc/terms/source",
    *(QK + name for name in ("sectionRead", "sectionMissing", "cutOffIn", "webPageCount", "webPageMissing")),
)
VALUES = f"""SELECT ?n ?p ?o ?label WHERE {{
  ?m <{QK}moduleNumber> ?n ; ?p ?o .
  FILTER (?p NOT IN ({", ".join(f"<{p}>" for p in LEFT_OUT)}))
  OPTIONAL {{ ?o <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel>|<https://schema.org/text> ?label }}
}}"""


def summarise(select: Callable[[str], list[dict]]) -> dict[str, dict[str, list[str]]]:
    """Module number -> property IRI -> sorted values (as text) from a store's SELECT function."""
    out: dict[str, dict[str, set[str]]] = {}
    for row in select(VALUES):
        value = (row.get("label") or row["o"])["value"]
        out.setdefault(row["n"]["value"], {}).setdefault(row["p"]["value"], set()).add(value)
    return {n: {p: sorted(v) for p, v in props.items()} for n, props in out.items()}


def difference(old: dict, new: dict) -> dict:
    """Modules added and removed, and per module in both the properties whose values changed (old and new)."""
    changed = {}
    for n in sorted(set(old) & set(new), key=int):
        props = {p: {"old": old[n].get(p, []), "new": new[n].get(p, [])}
                 for p in sorted(set(old[n]) | set(new[n])) if old[n].get(p, []) != new[n].get(p, [])}
        if props:
            changed[n] = props
    return {"added": sorted(set(new) - set(old), key=int), "removed": sorted(set(old) - set(new), key=int), "changed": changed}


def record(folder: Path, previous: tuple[str, Path] | None, version: str, built_at: str, summary: dict) -> list[dict]:
    """Write this build's summary and history into `folder`; the history is the previous build's (version,
    folder) with this build's difference to it in front. Returns the history.

    Without a previous build, or one that kept no summary, every module counts as added.
    """
    before = read_history(previous[1]) if previous else []
    old = read_summary(previous[1]) if previous else None
    entry = {"version": version, "built_at": built_at, "previous": previous[0] if previous else None,
             **(difference(old, summary) if old is not None else {"added": sorted(summary, key=int), "removed": [], "changed": {}})}
    history = [entry, *before]
    (Path(folder) / SUMMARY).write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    (Path(folder) / HISTORY).write_text(json.dumps(history, ensure_ascii=False, indent=1), encoding="utf-8")
    return history


def read_history(folder: Path | None) -> list[dict]:
    path = Path(folder) / HISTORY if folder else None
    return json.loads(path.read_text(encoding="utf-8")) if path and path.is_file() else []


def read_summary(folder: Path) -> dict | None:
    path = Path(folder) / SUMMARY
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
