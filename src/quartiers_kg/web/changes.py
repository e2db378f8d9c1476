"""What changed between builds: /changes (newest first, per module) and its Atom feed, from the history the
build wrote (changes.py)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, render_template

from ..changes import read_history
from .context import absolute, get_store, per_version
from .describe import pick_label, vocabulary_labels

bp = Blueprint("changes", __name__)


def history() -> list[dict]:
    """The history of the served build, each version with whether this server still keeps it."""
    store = get_store()
    if store.path is None:
        return []

    def read() -> list[dict]:
        builds = store.path.parent
        return [{**v, "kept": (builds / v["version"]).is_dir()} for v in read_history(store.path)]

    return per_version("history", read)


def _summary(v: dict) -> str:
    parts = [f"{len(v['added'])} neu" if v["added"] else "", f"{len(v['removed'])} entfernt" if v["removed"] else "",
             f"{len(v['changed'])} geändert" if v["changed"] else ""]
    return "Module: " + (", ".join(p for p in parts if p) or "keine Änderung")


@bp.route("/changes")
def page():
    labels = vocabulary_labels()
    return render_template("changes.html", versions=history(), summary=_summary,
                           label=lambda iri: pick_label(labels.get(iri), iri))


@bp.route("/changes.atom")
def feed():
    """One entry per build, newest first (RFC 4287)."""
    versions, labels = history(), vocabulary_labels()
    updated = versions[0]["built_at"] if versions else get_store().info.built_at
    entries = []
    for v in versions:
        lines = [f"<p>{escape(_summary(v))}</p>"]
        for n, props in v["changed"].items():
            names = ", ".join(pick_label(labels.get(p), p) for p in props)
            lines.append(f"<p>Modul {escape(n)}: {escape(names)}</p>")
        link = absolute(f"/changes#v-{v['version']}")
        entries.append(f"""<entry><id>{escape(absolute('/dataset/version/' + v['version']))}</id>
<title>Version {escape(v['version'])}: {escape(_summary(v))}</title><updated>{escape(v['built_at'])}</updated>
<link rel="alternate" type="text/html" href="{escape(link)}"/>
<content type="html">{escape(''.join(lines))}</content></entry>""")
    body = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de"><id>{escape(absolute('/changes'))}</id>
<title>quartiers-kg: Änderungen zwischen den Versionen</title><updated>{escape(updated)}</updated>
<author><name>quartiers-kg</name></author>
<link rel="self" type="application/atom+xml" href="{escape(absolute('/changes.atom'))}"/>
<link rel="alternate" type="text/html" href="{escape(absolute('/changes'))}"/>
{chr(10).join(entries)}
</feed>
"""
    return Response(body, content_type="application/atom+xml; charset=utf-8")
