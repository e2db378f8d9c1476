"""One module from all its pages: the print page and the web site's sub-pages.

The merge rule, section by section: **a section read from a web page wins** (it is the current site, one
tab per section, not hard-wrapped); the print page gives every section no web page holds, and the rating
count, which no web page shows. The title is the web page's where one has it. Every page read stays a
source: a section read from both keeps both readings, the print page's marked as not taken.
"""

from __future__ import annotations

from dataclasses import fields, replace

from ..model import OWN, SECTIONS, Module, ParsedPage, Problem

# the model fields each section of its own fills (the prose and concept sections fill their one `field`)
_OWN_FIELDS = {
    "assessment": ("rating_count",),
    "implementation": ("implementation", "implementation_items", "network_size"),
    "steps": ("steps_text", "steps"),
    "pitfalls": ("pitfalls",),
    "case_examples": ("case_examples", "case_examples_text"),
    "comments": ("comments",),
    "projects": ("projects",),
    "related": ("related",),
    "literature": ("literature",),
    "links": ("links",),
}
FIELDS = {s.key: _OWN_FIELDS[s.key] if s.form == OWN else (s.field,) for s in SECTIONS}
REQUIRED = [s.key for s in SECTIONS if not s.optional]


def assemble(pages: list[ParsedPage]) -> ParsedPage:
    """Merge the pages of one module (see the module's docstring for the rule); a print page alone is returned as it is."""
    if len(pages) == 1 and (pages[0].module.source is None or pages[0].module.source.tab is None):
        return pages[0]
    prints = [p for p in pages if p.module.source is None or p.module.source.tab is None]
    webs = sorted((p for p in pages if p.module.source is not None and p.module.source.tab is not None),
                  key=lambda p: (p.module.source.page or 99, p.module.source.tab))
    base = prints[0].module if prints else Module(number=pages[0].module.number, source=webs[0].module.source)
    problems = [problem for p in pages for problem in p.problems]
    for extra in prints[1:]:
        problems.append(Problem(None, f"a second print page of module {base.number} ({extra.module.source.path}) was not used",
                                skipped=True))
    values = {f.name: getattr(base, f.name) for f in fields(Module)}
    readings = list(base.readings)
    for page in webs:
        m = page.module
        values["title"] = m.title or values["title"]
        values["extra_sections"] += m.extra_sections
        for reading in m.readings:
            for name in FIELDS[reading.section]:
                if getattr(m, name) or not any(r.section == reading.section for r in readings):
                    values[name] = getattr(m, name)
            readings = [replace(r, taken=False) if r.section == reading.section else r for r in readings] + [reading]
    read = {r.section for r in readings}
    cut_off = base.cut_off if base.cut_off and not any(r.section == base.cut_off and r.source.tab is not None for r in readings) else None
    values.update(readings=tuple(readings), cut_off=cut_off,
                  incomplete=cut_off is not None or any(key not in read for key in REQUIRED))
    return ParsedPage(Module(**values), tuple(problems))
