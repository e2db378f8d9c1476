"""Our module pages inside 50 real pages as CMSes serve them (../shared/real-pages): read exactly as without chrome,
and none of the page's own visible lines in any value.

Each page has its own template, so the net of repeated lines never fires here: this is the first net alone, what
`read` does on one page and the first fetch of a redesigned site does. A known gap is a line in GAPS with its reason
(an expected failure that must go on failing, so the list stays true), never a skip.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from quartiers_kg.errors import QuartiersError
from quartiers_kg.source.files import SourceFile, load_source, parse_loaded

from .real_pages import REAL, module_pages, real_pages, values, words, wrap

PAGES = real_pages()
MODULES = module_pages()
MIN_LINE = 12  # characters of a page's line that counts (the README of the pages)

# (page, module page) -> why it is not read exactly yet
GAPS: dict[tuple[str, str], str] = {
    ('bfn.de', 'stolpersteine-bewertung'): "the site's name as an <h1> is taken for the title, and a teaser list of topics before the module stays",
    ('bmas.de', 'print'): "the title is an <h2> outside the article; the section label 'Arbeitsschutz' and 'Meldung' stay as values",
    ('bmas.de', 'overview'): "the section label 'Arbeitsschutz' (an <h1>) is taken for the title, the real title (an <h2>) joins the objective",
    ('bmas.de', 'stolpersteine-bewertung'): 'as the overview, and the date after the module stays a pitfall',
    ('idw-online.de', 'stolpersteine-bewertung'): "a search form's labels in classless grid columns before the module, read as pitfalls",
}

pytestmark = pytest.mark.skipif(not PAGES, reason=f"{REAL} is not beside the checkout")


def _read(markup: str, url: str, path):
    path.write_text(markup, encoding="utf-8")
    return parse_loaded(load_source(SourceFile(path, url=url, charset="utf-8"))).module


def _cases():
    for page in PAGES:
        for module in MODULES:
            gap = GAPS.get((page.id, module.kind))
            marks = [pytest.mark.xfail(strict=True, reason=gap, raises=(AssertionError, QuartiersError))] if gap else []
            yield pytest.param(page, module, id=f"{page.id}-{module.kind}", marks=marks)


@pytest.mark.parametrize("page, module", list(_cases()))
def test_a_module_in_a_real_page_is_read_as_without_chrome(page, module, tmp_path):
    markup, own = wrap(page, module)
    expected = _read(module.bare, module.url, tmp_path / "bare.html")
    got = _read(markup, module.url, tmp_path / "wrapped.html")
    assert replace(got, source=None, readings=()) == replace(expected, source=None, readings=())
    ours = words(" ".join(values(expected)) + " " + module.content)
    held = [words(v) for v in values(got)]
    leaked = [line for line in own if len(line) >= MIN_LINE and (w := words(line)) and w not in ours
              and any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", value) for value in held)]
    assert leaked == []
