"""Write a module back out as a print page of the template, so that reading it again gives the same module."""

from __future__ import annotations

from ..model import DIMENSIONS, OWN, PROSE, SECTIONS, Module
from .headings import TEMPLATE_ORDER, heading_of

NO_COMMENTS = "Für dieses Modul sind noch keine Kommentare vorhanden."


def _paragraphs(text: str | None) -> list[str]:
    return text.split("\n\n") if text else []


def _sections(m: Module) -> dict[str, list[str]]:
    """The blocks of each section, in the print page's layout (one block per paragraph or item)."""
    numbered = lambda items: ["\n".join(f"  {i}. {t}" for i, t in enumerate(items, 1))] if items else []  # noqa: E731
    out: dict[str, list[str]] = {
        s.key: _paragraphs(getattr(m, s.field)) if s.form == PROSE else list(getattr(m, s.field))
        for s in SECTIONS if s.form != OWN
    }
    out |= {
        "assessment": [],
        "implementation": _paragraphs(m.implementation) + numbered(m.implementation_items),
        "steps": _paragraphs(m.steps_text) + numbered(m.steps),
        "pitfalls": list(m.pitfalls),
        "case_examples": [c.label for c in m.case_examples] + _paragraphs(m.case_examples_text),
        "comments": list(m.comments),
        "projects": [f"{p.name}, {p.town}" if p.town else p.name for p in m.projects],
        "related": [f"Modul {r.number}: {r.title}" for r in m.related],
        "literature": [_reference(ref.citation) if ref.parsed else ref.citation for ref in m.literature],
        "links": list(m.links),
    }
    if m.rating_count is not None:
        out["assessment"] = [block for d in DIMENSIONS for block in (f"{d.label}:", d.high)]
        out["assessment"].append(f"Dieses Modul wurde bisher von {m.rating_count} Nutzern bewertet.")
    return out


def _reference(citation: str) -> str:
    """'Autor (Jahr): Titel., Ort' as the print page's two lines."""
    head, sep, rest = citation.partition("): ")
    return f"{head}):\n{rest}" if sep else citation


def render_page(m: Module) -> str:
    """The print page of a module: every heading of the template, empty sections included.

    An incomplete module is written as cut off after its last section with content, so that it reads
    back as incomplete; a page whose headings were lost is written as plain text with its rating.

    >>> print(render_page(Module(number=1, title="Beispiel", links=("Ein Link",))).splitlines()[0])
    Modul Beispiel
    """
    if m.text is not None and m.title is None:
        rating = [f"Dieses Modul wurde bisher von {m.rating_count} Nutzern bewertet."] if m.rating_count is not None else []
        return "\n\n".join(_paragraphs(m.text) + rating) + "\n"
    sections = _sections(m)
    keys = list(TEMPLATE_ORDER)
    if m.incomplete:
        filled = [k for k in keys if sections[k] or (k == "advice" and m.extra_sections)]  # extras follow Beratung
        keys = keys[: keys.index(filled[-1]) + 1] if filled else keys[:1]
    blocks = [f"Modul {m.title}"] if m.title else []
    for key in keys:
        body = sections[key]
        if key == "comments" and not body and not m.incomplete:
            body = [NO_COMMENTS]
        blocks.append(heading_of(key))
        blocks.extend(body)
        if key == "advice":
            for extra in m.extra_sections:
                blocks.append(extra.heading)
                blocks.extend(_paragraphs(extra.text))
    return "\n\n".join(blocks) + "\n"
