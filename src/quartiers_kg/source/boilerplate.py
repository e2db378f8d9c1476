"""The second net, independent of markup: a line that stands on most pages of one site is the site's own text.

Whatever a template's markup hides from the content finder, a site prints its chrome on every page, while a
module's text differs from module to module, except the template's fixed text (fixed.py), which is never dropped.
Only the edges of a page are searched, the lines before the module's first line and after its last one, where
chrome left in a page stands: a sentence all modules share inside a section (a standard advice text, say) stays.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from .content import Dropped
from .files import LoadedPage, number_of
from .fixed import is_fixed
from .text import Line, list_marker, match_key
from .web import place_of

MIN_PAGES = 4  # a site of fewer pages says too little of what repeats
MIN_MODULES = 3  # a line on the tabs of one or two modules is theirs


def drop_repeated(pages: list[LoadedPage]) -> list[LoadedPage]:
    """The pages with their site's repeated lines at their edges blanked (line numbers stay) and recorded as dropped."""
    sites: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, page in enumerate(pages):
        sites[_site(page)].append(i)
    out = list(pages)
    for (site, kind), members in sites.items():
        numbers = {i: number_of(pages[i].file) for i in members}
        if len(members) < MIN_PAGES or len(set(numbers.values())) < MIN_MODULES:
            continue
        pages_with: dict[str, int] = defaultdict(int)
        modules_with: dict[str, set] = defaultdict(set)
        for i in members:
            for key in _keys(pages[i]):
                pages_with[key] += 1
                modules_with[key].add(numbers[i])
        repeated = {key: n for key, n in pages_with.items() if 2 * n > len(members) and len(modules_with[key]) >= MIN_MODULES}
        if repeated:
            for i in members:
                out[i] = _without(pages[i], repeated, f"{site} {kind} pages", len(members))
    return out


def _key(line: str) -> str:
    """A line as the net compares it: list markers off, spaces, case, quotes and dashes alike."""
    return match_key(list_marker(Line(0, line.strip(), line)) or line)


def _keys(page: LoadedPage) -> set[str]:
    """The page's lines and the pieces of the blocks the content finder dropped, which are counted too: a finder that
    drops a menu on one page and not on another leaves it repeated all the same."""
    lines = page.text.split("\n") + [piece for block in page.dropped for piece in block.pieces]
    return {_key(line) for line in lines if line.strip() and not is_fixed(line)}


def _site(page: LoadedPage) -> tuple[str, str]:
    """Which site a page is from, and whether it is a print page or a web page (their templates differ)."""
    url = page.file.url
    if not url:
        return str(Path(page.file.path).parent), "print"
    return urlsplit(url).netloc, "web" if place_of(url) else "print"


def _without(page: LoadedPage, repeated: dict[str, int], site: str, total: int) -> LoadedPage:
    """Blank the repeated lines at the page's edges: from the top (after the title the content finder put there) down
    to its first line of the module's, from the bottom up to its last (the pager's fixed lines do not end it)."""
    lines = page.text.split("\n")
    drop: list[int] = []
    top = 1 if page.title and lines[0] == page.title else 0
    for i, line in enumerate(lines[top:], start=top):
        if line.strip() and _key(line) not in repeated:
            break
        if line.strip():
            drop.append(i)
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].strip() and _key(lines[i]) not in repeated and not is_fixed(lines[i]):
            break
        if lines[i].strip() and _key(lines[i]) in repeated and i not in drop:
            drop.append(i)
    if not drop:
        return page
    dropped = tuple(Dropped(f"on {repeated[_key(lines[i])]} of {total} {site}", (lines[i].strip(),)) for i in sorted(drop))
    for i in drop:
        lines[i] = ""
    return replace(page, text="\n".join(lines), dropped=page.dropped + dropped)
