"""One function per section of the template: body lines in, model fields and problems out."""

from __future__ import annotations

import re

from ..errors import SourcePageError
from ..model import (
    CONCEPTS,
    DIMENSIONS,
    PROSE,
    SECTIONS,
    CaseExample,
    Literature,
    ModuleRef,
    NetworkSize,
    Problem,
    Project,
)
from .fixed import RATING
from .literature import is_reference_head, parse_reference
from .text import Line, blocks, join_paragraphs, list_marker, match_key, prose_and_items

_NO_COMMENTS = re.compile(r"^Für dieses Modul sind noch keine Kommentare vorhanden\.?$", re.IGNORECASE)
_MODULE_REF = re.compile(r"^Modul\s+0*(\d+)\s*:\s*(.+)$")
_CASE_NAME = re.compile(r'^[„“"”‚](?P<name>.+?)[“”"‘]\s*(?:\((?P<acronym>[^()]+)\))?$')
_NETWORK_SIZE = re.compile(
    r"ideale\s+Netzwerkgr(?:ö|oe)(?:ß|ss)e\s+\w+\s+aus\s+(\d+)\s*(?:bis|-|–)\s*(\d+)\s+([^.\n]+?)\s*\.", re.IGNORECASE
)
_DIMENSION_LABELS = {match_key(d.label): d for d in DIMENSIONS}

Fields = dict[str, object]


class Context:
    """Where the page came from, and the problems found so far."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def warn(self, line: int | None, message: str, skipped: bool = False) -> None:
        self.problems.append(Problem(line, message, skipped))

    def fail(self, line: int | None, message: str) -> SourcePageError:
        return SourcePageError(self.path, line, message)


def _items(lines: list[Line]) -> list[tuple[int, str]]:
    """Every non-blank line is an item; list markers are dropped."""
    return [(line.number, list_marker(line) or line.text) for line in lines if line.text]


def prose(field: str):
    """A section that is plain text."""

    def read(lines: list[Line], ctx: Context) -> Fields:
        paragraphs, items = prose_and_items(lines)
        return {field: join_paragraphs(paragraphs + [f"- {text}" for _, text in items])}

    return read


def listing(field: str):
    """A section whose lines are the values of a list (user roles, target groups, funding, ...)."""

    def read(lines: list[Line], ctx: Context) -> Fields:
        return {field: tuple(dict.fromkeys(text for _, text in _items(lines)))}

    return read


def assessment(lines: list[Line], ctx: Context) -> Fields:
    """Check the six slider labels; keep only the rating count as data.

    The value under each label is the slider's printed pole label, the same on every page, so it is
    checked against the known poles (an unknown one is an error) and not stored as a rating. A page cut
    off inside its last pole ends the section with the start of one: a warning, not an error.
    """
    current = None
    value: list[Line] = []
    seen: set[str] = set()
    rating = None

    def close(last: bool = False) -> None:
        if current is None:
            return
        text = match_key(" ".join(line.text for line in value))
        if not value:
            ctx.warn(current[0], f"assessment '{current[1].label}' has no value")
        elif last and rating is None and any(pole.startswith(text) for pole in _pole_texts(current[1])):
            ctx.warn(value[0].number, f"assessment '{current[1].label}' ends in the middle of its pole: the page was cut off")
        elif text not in _pole_texts(current[1]) and (pole := _pole_before(text, current[1])):
            ctx.warn(value[0].number, f"assessment '{current[1].label}': the text after its pole is the site's own, "
                                      f"dropped: {' '.join(v.text for v in value)[len(pole):].strip()[:80]!r}")
        elif text not in _pole_texts(current[1]):
            raise ctx.fail(
                value[0].number,
                f"unknown value {' '.join(v.text for v in value)!r} for assessment '{current[1].label}'; "
                f"expected {current[1].high!r} (print page) or {current[1].low!r} and {current[1].high!r} (web page)",
            )

    for line in lines:
        if not line.text:
            continue
        if m := RATING.search(line.text):
            close()
            current, value, rating = None, [], int(m.group(1))
            continue
        label, sep, rest = line.text.partition(":")
        dim = _DIMENSION_LABELS.get(match_key(label)) if sep else None
        if dim:
            close()
            if dim.key in seen:
                raise ctx.fail(line.number, f"assessment '{dim.label}' appears twice")
            seen.add(dim.key)
            current, value = (line.number, dim), []
            if rest.strip():
                value.append(Line(line.number, rest.strip(), rest))
        elif current is None:
            raise ctx.fail(line.number, f"expected an assessment label such as 'Prozessphase:', found {line.text!r}")
        else:
            value.append(line)
    close(last=True)
    missing = [d.label for d in DIMENSIONS if d.key not in seen]
    if missing and seen:
        ctx.warn(lines[0].number - 1 if lines else None, f"assessment block lacks {', '.join(missing)}")
    return {"rating_count": rating} if rating is not None else {}


def _pole_before(text: str, dim) -> str | None:
    """The pole a value starts with, when more follows it (a page's chrome glued to the last scale): its known
    value, the longest first. None if it starts with none."""
    return next((pole for pole in sorted(_pole_texts(dim), key=len, reverse=True) if text.startswith(pole + " ")), None)


def _pole_texts(dim) -> tuple[str, ...]:
    """What a page may print under a scale's label: one pole (print pages print the high one), or both poles,
    low first, as the web page's left and right labels."""
    low, high = match_key(dim.low), match_key(dim.high)
    return low, high, f"{low} {high}"


def implementation(lines: list[Line], ctx: Context) -> Fields:
    """Prose, its list items (network types among them), and the ideal network size."""
    paragraphs, items = prose_and_items(lines)
    text = join_paragraphs(paragraphs)
    size = None
    if text and (m := _NETWORK_SIZE.search(text)):
        low, high = int(m.group(1)), int(m.group(2))
        if low <= high:
            size = NetworkSize(low, high, m.group(3))
    return {"implementation": text, "implementation_items": tuple(t for _, t in items), "network_size": size}


def steps(lines: list[Line], ctx: Context) -> Fields:
    paragraphs, items = prose_and_items(lines)
    return {"steps_text": join_paragraphs(paragraphs), "steps": tuple(text for _, text in items)}


def pitfalls(lines: list[Line], ctx: Context) -> Fields:
    paragraphs, items = prose_and_items(lines)
    return {"pitfalls": tuple(paragraphs + [text for _, text in items])}


def case_examples(lines: list[Line], ctx: Context) -> Fields:
    """Names of examples (one per line, no full stop), or prose when the page tells them as text."""
    names, paragraphs = [], []
    for block in blocks(lines):
        for line in block:
            item = list_marker(line)
            if item is None and (len(block) > 1 or line.text.endswith(".")):
                paragraphs.append("\n".join(b.text for b in block))
                break
            names.append(item or line.text)
    examples = []
    for name in dict.fromkeys(names):
        m = _CASE_NAME.match(name)
        examples.append(CaseExample(name, m.group("name").strip(), m.group("acronym")) if m else CaseExample(name))
    return {"case_examples": tuple(examples), "case_examples_text": join_paragraphs(paragraphs)}


def comments(lines: list[Line], ctx: Context) -> Fields:
    paragraphs, items = prose_and_items(lines)
    found = [p for p in paragraphs + [t for _, t in items] if not _NO_COMMENTS.match(p)]
    return {"comments": tuple(found)}


def projects(lines: list[Line], ctx: Context) -> Fields:
    """'Projektname, Ort': the last comma separates the town; names may hold commas."""
    found = []
    for number, text in _items(lines):
        name, sep, town = text.rpartition(",")
        if sep and name.strip() and town.strip():
            found.append(Project(name.strip(), town.strip()))
        else:
            ctx.warn(number, f"project {text!r} names no town ('Projektname, Ort' expected)")
            found.append(Project(text, None))
    return {"projects": tuple(dict.fromkeys(found))}


def related(lines: list[Line], ctx: Context) -> Fields:
    found = []
    for number, text in _items(lines):
        if m := _MODULE_REF.match(text):
            found.append(ModuleRef(int(m.group(1)), m.group(2).strip()))
        else:
            ctx.warn(number, f"skipped {text!r}: expected 'Modul <Nummer>: <Titel>'", skipped=True)
    return {"related": tuple(dict.fromkeys(found))}


def literature(lines: list[Line], ctx: Context) -> Fields:
    """Entries are 'Autor (Jahr):' plus the title line, or one line; unsplittable ones are flagged."""
    entries: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, text in _items(lines):
        if pending:
            entries.append((pending[0], f"{pending[1]} {text}"))
            pending = None
        elif is_reference_head(text):
            pending = (number, text)
        else:
            entries.append((number, text))
    if pending:
        entries.append(pending)
    refs: list[Literature] = []
    for number, text in entries:
        ref = parse_reference(text)
        if not ref.parsed:
            ctx.warn(number, f"literature entry {text!r} could not be split into author, year and title; kept whole")
        refs.append(ref)
    return {"literature": tuple(dict.fromkeys(refs))}


_OWN_READERS = {
    "assessment": assessment,
    "implementation": implementation,
    "steps": steps,
    "pitfalls": pitfalls,
    "case_examples": case_examples,
    "comments": comments,
    "projects": projects,
    "related": related,
    "literature": literature,
    "links": listing("links"),
}
READERS = {s.key: prose(s.field) if s.form == PROSE else listing(s.field) if s.form == CONCEPTS else _OWN_READERS[s.key]
           for s in SECTIONS}
LIST_SECTIONS = frozenset(s.key for s in SECTIONS if s.items)
