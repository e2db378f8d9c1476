"""Turn a saved HTML print page into the text layout of the print page (headings and lists on their own lines)."""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCKS = {"p", "div", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "tr", "header", "footer", "blockquote"}
_SKIP = {"script", "style", "head", "title", "noscript", "nav"}  # the site's menus are not the page


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [is_ordered, counter]
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skipping += 1
        elif self.skipping:
            return
        elif tag in ("ol", "ul"):
            self.parts.append("\n\n")
            self.lists.append([tag == "ol", 0])
        elif tag == "li":
            ordered = self.lists[-1][0] if self.lists else False
            if self.lists:
                self.lists[-1][1] += 1
            self.parts.append(f"\n  {self.lists[-1][1]}. " if ordered else "\n- ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif self.skipping:
            return
        elif tag in ("ol", "ul"):
            if self.lists:
                self.lists.pop()
            self.parts.append("\n\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(" ".join(data.split("\n")))


def html_to_text(html: str) -> str:
    """Text of an HTML page, blocks separated by blank lines, list items as '  1.' or '- ' lines.

    >>> html_to_text("<h1>Modul X</h1><p>Text</p><ol><li>eins</li><li>zwei</li></ol>").split()
    ['Modul', 'X', 'Text', '1.', 'eins', '2.', 'zwei']
    """
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = [line.rstrip() for line in "".join(parser.parts).split("\n")]
    out: list[str] = []
    for line in lines:
        if line.strip() or (out and out[-1].strip()):
            out.append(line if line.strip() else "")
    return "\n".join(out).strip("\n")
