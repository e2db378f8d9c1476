"""Find the module's text in a page as its site serves it, by the page's structure, never by the chrome's words.

A content management system wraps the module in the site: a skip link, a logo, menus, a search form, a breadcrumb,
a sidebar, share buttons, a cookie notice, a footer, the tab pager (SOURCE-FORMAT.md §12). Two kinds of evidence
find the module: the markup's own (landmarks such as <nav>, <aside>, <main>; roles; the ids and classes templates
give their menus and columns) and the module template's fixed text (headings, scales, the rating sentence), which
only the module's blocks hold. A block that holds fixed text is never dropped by a guess from its class or tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree, html as lxml_html

from .fixed import PAGER, is_fixed, is_marker
from .headings import LAST_SECTION, section_of
from .text import match_key, squash

_NO_TEXT = ("script", "style", "noscript", "template", "svg", "iframe", "object", "canvas", "map")
_CONTROLS = ("button", "input", "select", "textarea", "label", "option")  # a <form> may wrap a whole page (ASP.NET)
_SECTIONING = ("article", "main", "section", "aside", "nav")  # a header or footer inside these is the content's own
_BLOCKS = ("p", "div", "li", "dd", "dt", "td", "th", "blockquote", "section", "article", "h1", "h2", "h3", "h4",
           "h5", "h6", "strong", "b", "span")
_ROLES = {"navigation": "navigation", "menubar": "navigation", "menu": "navigation", "search": "search form",
          "banner": "site header", "contentinfo": "site footer", "complementary": "sidebar",
          "dialog": "cookie notice or dialog", "alertdialog": "cookie notice or dialog"}
_TAGS = {"nav": "navigation", "aside": "sidebar", "dialog": "cookie notice or dialog"}
# the words templates name their parts with, in ids and classes (English and German); matched inside compounds
_CLASS_WORDS = (
    ("cookie notice or dialog", r"cookie|consent|gdpr|dsgvo|privacy-?(?:banner|notice)|modal|popup|overlay"),
    ("hidden", r"sr-only|screen-?reader|visually-?hidden|invisible|\bhidden\b|\bhide\b"),
    ("skip link", r"skip|sprung"),
    ("navigation", r"nav|menu|breadcrumb|rootline|brotkr[uü]m|pager|pagination|pagebrowser|seitenbl[aä]tter"),
    ("sidebar", r"sidebar|seitenleiste|marginal|\baside\b|\bteaser"),
    ("site header", r"header|masthead|\bkopf|\blogo|\bbrand|topbar|(?<!margin-)(?<!padding-)\btop\b"),
    ("site footer", r"footer|\bfuss|\bfu[ßs]zeile|(?<!margin-)(?<!padding-)\bbottom\b|copyright|imprint"),
    ("page tools", r"share|social|print(?:link|button|version)?\b|\bdrucken\b|druck-?(?:version|ansicht)|toolbar|\btools?\b"
                   r"|to-?top|back-?to"),
    ("search form", r"search|\bsuche\b"),
    # what an article template puts around the article's own text (comments, bylines, tags, related items, boxes)
    ("comments", r"comment|kommentar|respond|discussion|disqus|feedback"),
    ("byline or date", r"byline|author|autor|\bmeta\b|meta-?data|-meta\b|\bmeta-|article-?info|post-?info|\bdate|datum"
                       r"|published|effective-date|\binfo\b|docdata"),
    ("tags or categories", r"\btags?\b|tagged|keyword|schlagw|categor|kategor|\btopics?\b|field-?themen|kicker"),
    ("related items", r"related|verwandt|recommend|empfehl|\bteasers?\b|-teaser|teaser-|collection|\bmore-"),
    ("back link", r"back-?link|\bback\b|zur[uü]ck"),
    ("contact or donation box", r"contact|kontakt|ansprech|donat|spende|newsletter|steady|profile|member"),
    ("page tools", r"readspeaker|vorlesen|no-?print|dontprint|export|\bbuttons\b|sharing"),
)
_CLASS_RES = tuple((why, re.compile(words)) for why, words in _CLASS_WORDS)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
_CONTAINER_WORDS = re.compile(r"(?:^|[\s_-])(?:content|inhalt|main|maincontent|main-content|primary|page-content)(?:$|[\s_-])")
_BRAND = re.compile(r"logo|brand|site-?title|site-?name|sitename")
_PATH_STEP = re.compile(r"\s*[›»→]\s*|\s+>\s+")
_MARKER_CHARS = 400  # the longest fixed text, a scale's label with both poles, is under 120 characters
_PATH_ELEMENTS = 80  # a path of links is a few elements; counting them is cheaper than reading a big block's text
_PATH = re.compile(r"[›»→>|]|^\s*/|://|^www\.", re.IGNORECASE)
_PAGER_PLACE = "qk-pager-place"
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_TITLE_PARTS = re.compile(r"\s+[–—|:·-]\s+|:\s+")


@dataclass(frozen=True)
class Dropped:
    """A block of the page that is not the module's, why, and the pieces of text it held (each a line or more)."""

    why: str
    pieces: tuple[str, ...]

    @property
    def text(self) -> str:
        return " · ".join(self.pieces)

    @property
    def lines(self) -> int:
        return len(self.pieces)


@dataclass(frozen=True)
class Content:
    """The module's part of a page: the container, its title heading (which may stand outside the container), and
    every block dropped."""

    root: etree._Element
    title: etree._Element | None
    dropped: tuple[Dropped, ...]


def parse_html(markup: str) -> etree._Element:
    """The page as a tree; broken markup is repaired the way browsers do, an XML declaration is ignored, and so is a
    tag the page was cut off in."""
    markup = re.sub(r"<[^<>]*$", "", re.sub(r"^\s*<\?xml[^>]*\?>", "", markup))
    if not markup.strip():
        markup = "<html><body></body></html>"
    doc = lxml_html.document_fromstring(markup)
    etree.strip_elements(doc, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    return doc


def find_content(doc: etree._Element) -> Content:
    """Drop the site's chrome from the tree and pick the container of the module's text (see the module docstring).

    The web pager ("Seite X / N", "Inhalt:", the tabs) is the template's, not the site's: it is kept, one line a
    part, at the end of the container, where the web reader expects it.
    """
    body = doc.find("body") if doc.find("body") is not None else doc
    site_names = _site_names(doc)
    for element in list(body.iter(*_NO_TEXT)):
        _remove(element)
    pager, pager_place = _pager(body)
    fixed = _marked(body)
    marked = set(fixed)
    wrappers = _wrappers(body, fixed)
    targets = _link_targets(body)
    candidates = _title_candidates(body, site_names, wrappers)
    for anchor in [*candidates, *body.iter("main", "article")]:
        marked.update([anchor, *anchor.iterancestors()])
    dropped: list[Dropped] = []
    for element, why in _chrome(body, marked, wrappers):
        dropped.append(_dropped(element, why))
        _remove(element)
    root = _container(body, marked, targets)
    if root is body:  # nothing names the content: it is where the template's text, the title and the pager meet
        anchors = [e for e in fixed if not any(c in fixed for c in e)] + candidates[:1] + [pager_place]
        root = _common_ancestor([a for a in anchors if a is not None and _inside(a, body)], body)
    for element, why in _skip_links(body, root) + _link_lists_before(root, fixed):
        dropped.append(_dropped(element, why))
        _remove(element)
    title = _module_title([h for h in candidates if _inside(h, root) and _inside(h, body)], root, fixed)
    if title is not None:
        dropped += [_dropped(e, "before the module's title") for e in _around(title, root, before=True)]
    else:
        title = _module_title([h for h in candidates if _inside(h, body) or _before(h, root)], body, fixed)
    dropped += _outside(root, body, title)
    end = _after_last_section(root)
    if end is not None:
        dropped += [_dropped(end, "after the module's last section")] + [
            _dropped(e, "after the module's last section") for e in _around(end, root, before=False)]
        _remove(end)
    if pager_place is not None:
        order = {e: i for i, e in enumerate(root.iter())}
        if pager_place in order and not any(order.get(e, -1) > order[pager_place] for e in fixed):
            dropped += [_dropped(e, "after the pager") for e in _around(pager_place, root, before=False)]
        _remove(pager_place)
    if pager is not None:
        root.append(pager)
    return Content(root, title, tuple(d for d in dropped if d.text))


def _pager(body: etree._Element) -> tuple[etree._Element | None, etree._Element | None]:
    """Take the tab pager out of the page, as a block of one paragraph per part (the last one if there are two),
    and leave an empty element where it stood.

    It is the element around the "Seite X / N" text that holds nothing but the pager's parts and links.
    """
    hits = [e for e in body.iter() if isinstance(e.tag, str) and PAGER.match(squash(e.text or ""))]
    if not hits:
        return None, None
    node = hits[-1]
    while (parent := node.getparent()) is not None and parent is not body and parent.tag not in ("main", "article") and _pager_only(parent):
        node = parent
    parts = [node]
    while (following := parts[-1].getnext()) is not None and (
            (_pager_only(following) and any(is_fixed(piece) for piece in _lines(following))) or _tab_name(parts[-1], following)):
        parts.append(following)  # "Inhalt:" and the tabs as blocks of their own after "Seite X / N"
    lines = [line for part in parts for line in _lines(part)]
    place = lxml_html.Element(_PAGER_PLACE)
    parts[0].addprevious(place)
    for part in parts:
        _remove(part)
    for other in hits[:-1]:
        if _inside(other, body):
            _remove(other)
    block = etree.Element("div")
    for line in lines:
        etree.SubElement(block, "p").text = line
    return block, place


def _dropped(element: etree._Element, why: str) -> Dropped:
    return Dropped(why, tuple(_lines(element)))


def _remove(element: etree._Element) -> None:
    """Take an element out of the tree, keeping the text that follows it (its tail belongs to the parent)."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail and tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + " " + tail
        else:
            parent.text = (parent.text or "") + " " + tail


def _after_last_section(root: etree._Element) -> etree._Element | None:
    """Where the module ends after the template's last section (Links): its items are blocks of one shape (the tag
    and class of the first after the heading); the first block of another shape, or what follows the items' parent,
    is the site's (a heading "Weiterführende Informationen", a back link, a download, hashtags, a comment form).
    Unknown sections of a module stand between the template's sections, never after its last."""
    heading = None
    for element in root.iter(*_HEADINGS):
        if section_of(squash(element.text_content())) == LAST_SECTION:
            heading = element
    if heading is None:
        return None
    items = [e for e in heading.itersiblings() if isinstance(e.tag, str)]
    other = next((e for e in items[1:] if _shape(e) != _shape(items[0])), None)
    if other is not None:
        return other
    node = heading.getparent()
    while node is not None and node is not root:
        if (following := node.getnext()) is not None:
            return following
        node = node.getparent()
    return None


def _shape(element: etree._Element) -> tuple[str, str]:
    return element.tag, " ".join(sorted((element.get("class") or "").split()))


def _module_title(headings: list[etree._Element], root: etree._Element, fixed: set[etree._Element]) -> etree._Element | None:
    """Of the title headings in the container, the last before the template's first fixed text (a section's name
    may stand above the module's title: "News", "Pressemitteilungen"); the first where no fixed text follows."""
    order = {e: i for i, e in enumerate(root.iter())}
    first = min((order[e] for e in fixed if e in order and not any(c in fixed for c in e)), default=None)
    before = [h for h in headings if first is not None and order[h] < first]
    return before[-1] if before else (headings[0] if headings else None)


def _around(mark: etree._Element, root: etree._Element, before: bool) -> list[etree._Element]:
    """Take out of `root` every block that stands before (or after) `mark` in the page, with the text between; the
    blocks, outermost first. The module's title begins the module and the pager ends it: what the container holds
    beyond them is the site's (a date, a category, a share bar, a comment thread)."""
    taken = []
    node = mark
    while node is not root and node.getparent() is not None:
        parent = node.getparent()
        siblings = list(node.itersiblings(preceding=before))
        if before:
            parent.text = None
        else:
            node.tail = None
        for sibling in siblings:
            if isinstance(sibling.tag, str):
                taken.append(sibling)
            parent.remove(sibling)
        node = parent
    return taken


def _pager_only(element: etree._Element) -> bool:
    """An element with nothing but the pager's fixed text, links, and at most one short line of its own: the name of
    the tab shown, which is no link (the names of some tabs were never seen, so they cannot be known)."""
    if not isinstance(element.tag, str):
        return False
    own = [squash(t) for t in element.xpath(".//text()[not(ancestor::a)]") if t.strip() and not is_fixed(squash(t))]
    return not own or (len(own) == 1 and _short(own[0]))


def _short(text: str) -> bool:
    return 0 < len(text.split()) <= 8 and not text.endswith(".")


def _tab_name(before: etree._Element, element: etree._Element) -> bool:
    """The sub-page's name after "Inhalt:" (SOURCE-FORMAT.md §8): a few words on their own."""
    return match_key(before.text_content()).rstrip(":") == "inhalt" and _short(squash(element.text_content()))


def _lines(element: etree._Element) -> list[str]:
    return [squash(t) for t in element.itertext() if t.strip()]


def _marked(body: etree._Element) -> set[etree._Element]:
    """The elements that hold fixed text of the template outside a link, and all their ancestors."""
    marked: set[etree._Element] = set()
    for element in body.iter(*_BLOCKS):
        if element in marked or any(a.tag == "a" for a in element.iterancestors()):
            continue
        if _may_be_marker(element) and is_marker(_own_text(element)):
            marked.add(element)
            marked.update(element.iterancestors())
    return marked


def _may_be_marker(element: etree._Element) -> bool:
    """Whether a block is short enough to be fixed text of the template (a heading, a scale, the rating sentence):
    measured by lxml, so that the blocks around a whole page are not read for it."""
    return element.xpath("string-length(normalize-space(.))") <= _MARKER_CHARS


def _own_text(element: etree._Element) -> str:
    """A block's text outside its links."""
    return squash(" ".join(element.xpath(".//text()[not(ancestor::a)]")))


def _why_chrome(element: etree._Element) -> tuple[str, bool] | None:
    """Why an element is the site's, and whether that is certain (a menu, a sidebar or a dialog by tag or role, a form
    control, a path of links) or a guess (hidden, a form, a header or footer tag, an id or class); None if nothing
    says so. Hidden blocks are a guess: a template may hide the module's own tabs until they are chosen."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _CONTROLS:
        return "form", True
    role = (element.get("role") or "").strip().lower()
    if role in _ROLES:
        return _ROLES[role], role not in ("banner", "contentinfo")
    if tag in _TAGS:
        return _TAGS[tag], True
    if _is_breadcrumb(element):
        return "breadcrumb", True
    if element.get("hidden") is not None or element.get("aria-hidden") == "true" or _HIDDEN_STYLE.search(element.get("style", "")):
        return "hidden", False
    if tag == "form":
        return "form", False
    if tag in ("header", "footer") and not any(a.tag in _SECTIONING for a in element.iterancestors()):
        return ("site header" if tag == "header" else "site footer"), False
    names = f"{element.get('id', '')} {element.get('class', '')}".lower().replace("_", "-")  # BEM: blog_detail__date
    why = next((why for why, words in _CLASS_RES if words.search(names)), None) if names.strip() else None
    return (why, False) if why else None


def _is_breadcrumb(element: etree._Element) -> bool:
    """Links in a path: three steps or more, each a few words, apart by › » → or >."""
    if element.find(".//a") is None and element.tag != "a" or element.xpath("count(.//*)") > _PATH_ELEMENTS:
        return False
    steps = _PATH_STEP.split(squash(" ".join(element.itertext())))
    return len(steps) >= 3 and all(0 < len(step.split()) <= 6 for step in steps)


def _wrappers(body: etree._Element, fixed: set[etree._Element]) -> set[etree._Element]:
    """The elements around most of the page's text and most of the template's fixed text (`fixed`): whatever their
    tag or role says (a landmark role put on a wrapper of the whole page), they are no chrome."""
    half, markers = body.xpath("string-length(normalize-space(.))") / 2, _markers_in(body, fixed)
    return {e for e in fixed if isinstance(e.tag, str) and e is not body
            and e.xpath("string-length(normalize-space(.))") > half and _markers_in(e, fixed) > markers / 2}


def _chrome(body: etree._Element, marked: set[etree._Element], wrappers: set[etree._Element]) -> list[tuple[etree._Element, str]]:
    """The outermost chrome elements. A guess is not trusted for an element holding the template's fixed text, a
    title heading or a <main> or <article> (`marked`), or most of the page's text (a form or a "top" div around the
    whole page); what is certain goes whatever it holds, but for the `wrappers` of the whole page. (A menu holds a
    few words that are also the template's headings, "Projekte", "Finanzierung": it is no wrapper.)"""
    found = []
    stack = list(body)
    half = len(squash(body.text_content())) / 2
    while stack:
        element = stack.pop(0)
        if not isinstance(element.tag, str):
            continue
        why = _why_chrome(element)
        small = len(squash(element.text_content())) <= half
        if why and ((why[1] and element not in wrappers) or (element not in marked and small)):
            found.append((element, why[0]))
        else:
            stack[:0] = list(element)
    return found


def _container(body: etree._Element, marked: set[etree._Element], targets: list[etree._Element]) -> etree._Element:
    """The element holding the module: <main> (or role=main), else where a link on the page skips to, else an
    <article>, else an element whose id or class says content; among several, the one holding most of the template's
    fixed text, then most text. The body when the page names none."""
    kinds = (
        [e for e in body.iter("main")] + [e for e in body.iter() if (e.get("role") or "").lower() == "main"],
        [e for e in targets if _inside(e, body)],
        list(body.iter("article")),
        [e for e in body.iter() if isinstance(e.tag, str) and _CONTAINER_WORDS.search(f"{e.get('id', '')} {e.get('class', '')}".lower())],
    )
    best = None
    for candidates in kinds:
        candidates = [e for e in candidates if squash(e.text_content())]
        if candidates:
            score = max(candidates, key=lambda e: (_markers_in(e, marked), len(e.text_content())))
            if best is None or _markers_in(score, marked) > _markers_in(best, marked):
                best = score
    return best if best is not None else body


def _common_ancestor(elements: list[etree._Element], body: etree._Element) -> etree._Element:
    """The innermost element holding them all (the body for fewer than two: one point tells no extent)."""
    if len(elements) < 2:
        return body
    chains = [[e, *e.iterancestors()][::-1] for e in elements]
    common = body
    for level in zip(*chains):
        if any(node is not level[0] for node in level):
            break
        common = level[0]
    return common if _inside(common, body) else body


def _link_targets(body: etree._Element) -> list[etree._Element]:
    """The elements that links on the page skip forward to ("#inhalt"): a skip link's target is the content. A link
    back up ("Nach oben", "#top") points at no content."""
    order = {e: i for i, e in enumerate(body.iter())}
    ids = {e.get("id"): e for e in order if isinstance(e.tag, str) and e.get("id")}
    found = []
    for link in body.iter("a"):
        href = link.get("href") or ""
        target = ids.get(href[1:]) if href.startswith("#") else None
        if target is not None and order[target] > order[link] and not _inside(link, target):
            found.append(target)
    return list(dict.fromkeys(found))


def _markers_in(element: etree._Element, marked: set[etree._Element]) -> int:
    return sum(1 for e in element.iter() if e in marked and not any(c in marked for c in e))


def _skip_links(body: etree._Element, root: etree._Element) -> list[tuple[etree._Element, str]]:
    """Links to a place on the same page that holds the module: "skip to content"."""
    found = []
    for link in body.iter("a"):
        target = (link.get("href") or "").removeprefix("#") if (link.get("href") or "").startswith("#") else None
        if not target:
            continue
        place = body.xpath("//*[@id=$id or @name=$id]", id=target)
        if place and (place[0] is root or _inside(root, place[0])):
            found.append((link, "skip link"))
    return found


def _link_lists_before(root: etree._Element, fixed: set[etree._Element]) -> list[tuple[etree._Element, str]]:
    """Lists of nothing but links (three or more) before the template's first fixed text (`fixed`: the blocks that
    hold it, and their ancestors): a menu of tabs or pages at the top of the content. After it, such a list is the
    module's (its links, related modules); on a page without fixed text nothing tells, and nothing is dropped."""
    found = []
    for element in root.iter():
        if element in fixed and not any(child in fixed for child in element):
            return found
        items = element.findall("li") if element.tag in ("ul", "ol") else []
        if len(items) >= 3 and all(squash(" ".join(li.xpath(".//text()[not(ancestor::a)]"))) == "" and squash(li.text_content())
                                   for li in items) and not any(_inside(element, f) for f, _ in found):
            found.append((element, "navigation"))
    return []


def _inside(element: etree._Element, ancestor: etree._Element) -> bool:
    return element is ancestor or any(a is ancestor for a in element.iterancestors())


def _before(element: etree._Element, root: etree._Element) -> bool:
    """Whether an element stood before the container in the page (the title band above the content)."""
    return element.sourceline is not None and root.sourceline is not None and element.sourceline <= root.sourceline


def _site_names(doc: etree._Element) -> set[str]:
    """What the page calls its site: the logo's text and alternative text, what the header's brand says, and a part
    of <title> ("Modul – Site") that the copyright line names (the other part is the module's)."""
    names = {match_key(image.get("alt")) for image in doc.iter("img") if image.get("alt")}
    for element in doc.iter():
        ident = f"{element.get('id', '')} {element.get('class', '')}".lower() if isinstance(element.tag, str) else ""
        if _BRAND.search(ident) and len(squash(element.text_content()).split()) <= 8:
            names.add(match_key(element.text_content()))
    title = doc.find(".//title")
    if title is not None and title.text:
        rights = " ".join(match_key(t) for t in doc.xpath("//body//text()[contains(., '©') or contains(., 'Copyright')]"))
        names.update(key for key in map(match_key, _TITLE_PARTS.split(title.text)) if key and key in rights)
    return names


def _title_candidates(body: etree._Element, site_names: set[str], wrappers: set[etree._Element]) -> list[etree._Element]:
    """The headings that can be the module's title, in page order: the <h1>s, or where none can, the <h2>s before
    the template's first heading; not in a menu, sidebar, dialog or footer, and not the site's name, a breadcrumb, a
    path, an address or a heading of the template."""
    found = _titles(body.iter("h1"), site_names, wrappers)
    before = []
    for element in body.iter():
        if (element.tag in _BLOCKS and _may_be_marker(element) and is_marker(_own_text(element))
                and not any((why := _why_chrome(a)) and why[1] and a not in wrappers for a in element.iterancestors())):
            break  # the template's first text (a menu's "Projekte" or "Übersicht" is none)
        if element.tag == "h2":
            before.append(element)
    h2s = _titles(before, site_names, wrappers)
    if found and h2s:  # an <h2> closer to the module than every <h1> is its title ("Arbeitsschutz" h1, title h2)
        order = {e: i for i, e in enumerate(body.iter())}
        h2s = [h for h in h2s if order[h] > order[found[-1]] and not any(_inside(h, f) for f in found)]
    return sorted(found + h2s, key=lambda e: list(body.iter()).index(e)) if h2s else found


def _titles(headings, site_names: set[str], wrappers: set[etree._Element]) -> list[etree._Element]:
    found = []
    for heading in headings:
        chain = [heading, *heading.iterancestors()]
        if any((why := _why_chrome(e)) and (why[1] or why[0] == "site footer") and e not in wrappers for e in chain):
            continue
        text = squash(heading.text_content())
        if (text and len(text.split()) <= 20 and not _PATH.search(text) and section_of(text) is None
                and match_key(text) not in site_names and not is_marker(text)):
            found.append(heading)
    return found


def _outside(root: etree._Element, body: etree._Element, title: etree._Element | None) -> list[Dropped]:
    """The text around the container, which is not the module's: each sibling on the way up to the body."""
    dropped = []
    node = root
    while node is not body and node.getparent() is not None:
        parent = node.getparent()
        for sibling in parent:
            if sibling is node or not isinstance(sibling.tag, str) or (title is not None and _inside(title, sibling)):
                continue
            dropped.append(_dropped(sibling, "outside the main content"))
        node = parent
    return dropped
