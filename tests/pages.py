"""Hand-made module pages in the print-page template, for tests (no real page text but the seed's)."""

from __future__ import annotations

SCALES = [
    ("Prozessphase", "eignet sich zur konkreten Umsetzung"),
    ("Zeitaufwand", "bedarf längerer\nVorbereitung"),
    ("Personalaufwand", "ist sehr\npersonalintensiv"),
    ("Finanzieller Aufwand", "ist sehr\nkostenintensiv"),
    ("Partizipation", "hat einen hohen Beteiligungsgrad"),
    ("Komplexität", "bedarf professioneller Unterstützung"),
]


def assessment_block(scales=SCALES, count: int = 3) -> list[str]:
    out = ["Einschätzungen zu diesem Modul von Nutzerinnen und Nutzer", ""]
    for label, value in scales:
        out += [f"{label}:", "", value, ""]
    out += [f"Dieses Modul wurde bisher von {count} Nutzern bewertet.", ""]
    return out


def full_page(title: str = "Testmodul für Quartiere", **overrides) -> str:
    """A complete page; each section's body can be replaced by a keyword (list of lines)."""
    sections = {
        "Zielsetzung": ["Ein Ziel  mit\u00a0doppelten Leerzeichen.   "],
        "Anwenderinnen und Anwender": [],
        "Zielgruppe": [],
        "Handlungsfelder": [],
        "Umsetzung und Durchführung": ["Erster Absatz der Umsetzung."],
        "Wichtige Umsetzungsschritte / Aufwandsabschätzung": ["Ablauf:", "", "  1. Planen", "  2. Machen", "  3. Prüfen"],
        "Stolpersteine": ["Zu wenig Zeit."],
        "Bewertung": ["Lohnt sich."],
        "Fallbeispiele": ["Beispielquartier Nord"],
        "Finanzierung": ["Kommune", "", "Stiftungen"],
        "Beratung": ["Fragen Sie nach."],
        "Nutzerinnen- und Nutzerkommentare": ["Für dieses Modul sind noch keine Kommentare vorhanden."],
        "Projekte": ["Quartier am Fluss, Beispielstadt"],
        "Weitere Module, die Sie auch interessieren könnten": ["Modul 12: Ein anderes Modul"],
        "Literatur": ["Muster, A. (2001):", "Ein Buch., Köln"],
        "Links": ["Ein Linktext"],
    }
    sections.update(overrides)
    lines = [f"Modul {title}", "", "Zielsetzung", ""] + sections.pop("Zielsetzung") + [""]
    lines += assessment_block()
    for heading, body in sections.items():
        if body is None:
            continue
        lines += [heading, ""] + body + [""]
    return "\n".join(lines)


WEB_ROOT = "https://www.iat.eu/aq-nrw/modulbaukasten/"
TABS = ["", "anwender-zielgruppe", "umsetzung-und-durchfuehrung", "wichtige-umsetzungsschritte-aufwandsabschaetzung",
        "stolpersteine-bewertung", "fallbeispiele-finanzierung"]  # pages 2 and 6 are made up: their names were not seen
TAB_NAMES = ["Übersicht", "Anwender und Zielgruppe", "Umsetzung und Durchführung",
             "Wichtige Umsetzungsschritte / Aufwandsabschätzung", "Stolpersteine / Bewertung", "Fallbeispiele / Finanzierung"]


def web_url(number: int, tab: str, slug: str = "testmodul") -> str:
    return f"{WEB_ROOT}modul-{number:02d}-{slug}/{tab + '/' if tab else ''}"


def web_page(title: str | None, body: list[str], page: int, pages: int = 6, footer: bool = True) -> str:
    """A web sub-page as text extracted from it: a bare title line, the body, the navigation footer."""
    lines = ([title, ""] if title else []) + body + [""]
    if footer:
        lines += [f"Seite {page} / {pages}", "", "Inhalt:", "", TAB_NAMES[page - 1]]
    return "\n".join(lines) + "\n"


def web_overview(title: str = "Testmodul im Netz", objective: tuple[str, ...] = ("Ein Ziel, das im Netz steht.",)) -> list[str]:
    """The overview's body: the objective without a heading, then both poles under every scale."""
    from quartiers_kg.model import DIMENSIONS

    lines = list(objective) + [""]
    for d in DIMENSIONS:
        lines += [f"{d.label}:", d.low, d.high, ""]
    return lines
