"""Content negotiation as one function: Accept header + offered types -> the best type, or 406."""

from __future__ import annotations

from ..errors import NotAcceptable

MAX_ACCEPT = 4096


def _parse(accept: str) -> list[tuple[str, str, float, int]]:
    """(type, subtype, q, specificity) for each media range; malformed ranges are ignored."""
    ranges = []
    for part in accept[:MAX_ACCEPT].split(","):
        fields = [f.strip() for f in part.split(";")]
        mtype, _, subtype = fields[0].lower().partition("/")
        if not mtype or not subtype:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        specificity = (mtype != "*") + (subtype != "*")
        ranges.append((mtype, subtype, q, specificity))
    return ranges


def choose(accept: str | None, offered: list[str], default: str | None = None) -> str:
    """The offered type the client prefers most; ties go to the order of `offered`.

    An absent, empty or unreadable Accept gets `default` (or the first offered type).

    >>> choose("text/html;q=0.9, text/turtle", ["text/html", "text/turtle"])
    'text/turtle'
    >>> choose("application/*", ["text/html", "application/ld+json"])
    'application/ld+json'
    >>> choose("image/png", ["text/html"])
    Traceback (most recent call last):
    ...
    quartiers_kg.errors.NotAcceptable: nothing here fits Accept: image/png; available: text/html
    """
    ranges = _parse(accept or "")
    if not ranges:  # absent, empty or unreadable: as if the client had not said
        return default or offered[0]
    best, best_q = None, 0.0
    for index, media in enumerate(offered):
        mtype, _, subtype = media.partition("/")
        matches = [
            (spec, q) for rt, rs, q, spec in ranges
            if (rt == "*" or rt == mtype) and (rs == "*" or rs == subtype) and not (rt == "*" and rs != "*")
        ]
        if not matches:
            continue
        q = max(matches)[1]  # the most specific range decides
        if q > best_q:
            best, best_q = media, q
    if best is None:
        raise NotAcceptable(f"nothing here fits Accept: {accept[:200]}; available: {', '.join(offered)}")
    return best
