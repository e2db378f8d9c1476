"""The page reader: module 116 as it is, hand-made pages for every variant and fault of the template."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quartiers_kg.errors import SourcePageError
from quartiers_kg.model import DIMENSIONS, network_type_of
from quartiers_kg.source import parse_page, read_page
from quartiers_kg.source.literature import parse_reference

from .conftest import SEED
from .pages import SCALES, assessment_block, full_page


@pytest.fixture(scope="module")
def seed():
    return read_page(SEED)


def test_seed_title_number_and_source(seed):
    m = seed.module
    assert (m.number, m.title) == (116, "Netzwerkarbeit")
    assert m.source.url == "https://www.aq-nrw.de/assets/default/druck/module/druck_116.html"
    assert len(m.source.sha256) == 64
    assert not m.incomplete and seed.problems == ()


def test_seed_sections(seed):
    m = seed.module
    assert m.rating_count == 0
    assert m.steps == ("Art und Zielrichtung klären", "Ermittlung der relevanten Akteure", "Aufbau- und Arbeitsphase",
                       "Evaluation", "Nachhaltigkeit sichern")
    assert m.funding == ("Kommune", "Spenden", "Stiftungen", "Vereine")
    typed = [item for item in m.implementation_items if network_type_of(item)]
    assert [network_type_of(item) for item in typed] == [
        "Gemeinde- und stadtteilorientierte Netzwerke", "Netzwerke professioneller Organisationen",
        "Projektbezogene Netzwerke / Soziale Netzwerke"]
    assert (m.network_size.minimum, m.network_size.maximum) == (7, 12)
    assert [(r.number, r.title) for r in m.related] == [
        (35, "Community-Pavillon"), (75, "Integriertes Handlungskonzept zur Quartiersentwicklung"),
        (69, "Sensibilisierung von Akteurinnen und Akteuren")]
    assert [(p.name, p.town) for p in m.projects] == [
        ("Netzwerk der Generationen", "Mülheim an der Ruhr"), ("Quartiersentwicklung im Mathildenhof", "Leverkusen"),
        ("Bocholter Bürgergenossenschaft eG", "Bocholt")]
    assert m.case_examples[0].acronym == "SONG" and m.case_examples[0].name == "Netzwerk: Soziales neu gestalten"
    assert m.pitfalls == ("Zu große, zu unklare Ziele, die zu Fluktuation führen.",)
    assert [(r.authors, r.year, r.place) for r in m.literature] == [
        (("Fey, G.",), "2007", "Regensburg"), (("Kuratorium Deutsche Altershilfe",), "2013", "Köln")]
    assert m.links[0] == "Leitfaden Kooperation und Netzwerkarbei"  # truncated in the source, kept so
    assert m.user_roles == m.target_groups == m.fields_of_action == m.comments == ()
    assert "Angebotsversbesserung" in typed[1]  # source typo survives


def test_seed_text_is_squashed_not_changed(seed):
    assert "Risiken und gegebenenfalls Kosten" in seed.module.objective  # NBSP + space -> one space
    assert seed.module.implementation.endswith("drei Netzwerktypen herausgebildet:")


def test_low_poles_are_recognised_too():
    scales = [(d.label, d.low) for d in DIMENSIONS]
    text = full_page().replace("\n".join(assessment_block()), "\n".join(assessment_block(scales, 4)))
    parsed = parse_page(text, 3)
    assert parsed.module.rating_count == 4 and parsed.problems == ()


def test_unknown_scale_value_names_the_line():
    scales = list(SCALES)
    scales[2] = ("Personalaufwand", "ist mittelmäßig aufwendig")
    text = full_page().replace("\n".join(assessment_block()), "\n".join(assessment_block(scales)))
    line = text.splitlines().index("ist mittelmäßig aufwendig") + 1
    with pytest.raises(SourcePageError) as err:
        parse_page(text, 3, path="druck_03.txt")
    assert err.value.line == line and f"druck_03.txt:{line}:" in str(err.value)
    assert "Personalaufwand" in str(err.value)


def test_a_pole_followed_by_the_sites_text_takes_its_known_value_and_the_page_is_kept():
    scales = list(SCALES)
    scales[5] = ("Komplexität", "bedarf professioneller Unterstützung Diese Seite teilen Zurück zur Übersicht")
    text = full_page().replace("\n".join(assessment_block()), "\n".join(assessment_block(scales)))
    parsed = parse_page(text, 3, path="druck_03.txt")
    assert parsed.module.rating_count == 3 and parsed.module.title == "Testmodul für Quartiere"
    [problem] = parsed.problems
    assert not problem.skipped and "Komplexität" in problem.message and "'Diese Seite teilen Zurück zur Übersicht'" in problem.message
    assert not any("Diese Seite teilen" in v for v in [parsed.module.objective, *parsed.module.pitfalls])


def test_sections_in_any_order_and_unknown_heading_kept():
    beratung = ["Fragen Sie nach.", "", "Hinweise zur Evaluation", "", "Ein eigener Abschnitt."]
    text = full_page(Bewertung=None, Beratung=beratung) + "\nBewertung\n\nSpäter bewertet.\n"
    parsed = parse_page(text, 5)
    m = parsed.module
    assert m.evaluation == "Später bewertet."
    assert [(e.heading, e.text) for e in m.extra_sections] == [("Hinweise zur Evaluation", "Ein eigener Abschnitt.")]
    assert any("unknown heading 'Hinweise zur Evaluation'" in p.message for p in parsed.problems)


def test_empty_sections_are_absent_not_placeholders():
    m = parse_page(full_page(Stolpersteine=[], Fallbeispiele=[]), 5).module
    assert m.pitfalls == () and m.case_examples == () and m.comments == ()


def test_truncated_page_is_incomplete_and_keeps_what_it_holds():
    text = full_page()
    cut = text[: text.index("Finanzierung") + len("Finanzierung\n\nKommu")]
    parsed = parse_page(cut, 7, path="druck_07.txt")
    m = parsed.module
    assert m.incomplete and m.funding == ("Kommu",)
    assert m.steps == ("Planen", "Machen", "Prüfen") and m.links == () and m.projects == ()
    warning = parsed.problems[-1]
    assert "ends early inside section 'Finanzierung'" in warning.message and "Links" in warning.message
    assert warning.line == len(cut.splitlines())


def test_stripped_extraction_keeps_number_rating_and_text():
    text = "Ein Absatz ohne Überschrift.\n\nDieses Modul wurde bisher von 2 Nutzern bewertet.\n\nNoch ein Absatz.\n"
    parsed = parse_page(text, 52)
    m = parsed.module
    assert (m.number, m.rating_count, m.incomplete, m.title) == (52, 2, True, None)
    assert m.text == "Ein Absatz ohne Überschrift.\n\nNoch ein Absatz."
    assert parsed.skipped_anything


def test_not_a_module_page():
    with pytest.raises(SourcePageError, match="not a module page"):
        parse_page("Einkaufsliste\n\nMilch\n\nBrot\n", 1, path="liste.txt")


def test_wrong_encoding_names_file_and_line(tmp_path):
    path = tmp_path / "druck_09.txt"
    path.write_bytes(full_page().encode("utf-8").replace("Zielsetzung".encode(), "Zielsetzung".encode()).replace(
        "Umsetzung und Durchführung".encode(), "Umsetzung und Durchführung".encode("latin-1")))
    with pytest.raises(SourcePageError) as err:
        read_page(path)
    line = full_page().splitlines().index("Umsetzung und Durchführung") + 1
    assert err.value.line == line and "not UTF-8" in str(err.value) and str(path) in str(err.value)


def test_number_from_file_name_or_argument(tmp_path):
    padded = tmp_path / "druck_07.html"
    padded.write_text("<h1>Modul Test</h1><p>Zielsetzung</p><p>Text.</p><p>Links</p><p>L</p>", encoding="utf-8")
    m = read_page(padded).module
    assert (m.number, m.title, m.objective, m.links) == (7, "Test", "Text.", ("L",))
    assert m.source.url.endswith("druck_07.html")
    other = tmp_path / "page.txt"
    other.write_text(full_page(), encoding="utf-8")
    with pytest.raises(SourcePageError, match="no module number"):
        read_page(other)
    assert read_page(other, number=44).module.number == 44


def test_repeated_heading_joins_the_first():
    text = full_page() + "\nLinks\n\nZweiter Link\n"
    parsed = parse_page(text, 5)
    assert parsed.module.links == ("Ein Linktext", "Zweiter Link")
    assert any("appears again" in p.message for p in parsed.problems)


def test_lists_markers_wrapping_and_quotes():
    m = parse_page(full_page(**{
        "Wichtige Umsetzungsschritte / Aufwandsabschätzung": ["- Erstens", "• Zweitens mit", "  Fortsetzung", "3) Drittens"],
        "Fallbeispiele": ["„Gut Wohnen” (GW)", "", "\u201cGastgeberin\u201d"],
        "Projekte": ["Haus, Hof und Garten eG, Neustadt an der Weinstraße", "", "Ohne Ort"],
    }), 5).module
    assert m.steps == ("Erstens", "Zweitens mit Fortsetzung", "Drittens")
    assert [(c.name, c.acronym) for c in m.case_examples] == [("Gut Wohnen", "GW"), ("Gastgeberin", None)]
    assert [(p.name, p.town) for p in m.projects] == [("Haus, Hof und Garten eG", "Neustadt an der Weinstraße"), ("Ohne Ort", None)]


def test_filled_list_sections():
    m = parse_page(full_page(**{"Handlungsfelder": ["Wohnen", "", "Sich einbringen"], "Zielgruppe": ["- Ältere Migrantinnen und Migranten"]}), 5).module
    assert m.fields_of_action == ("Wohnen", "Sich einbringen")
    assert m.target_groups == ("Ältere Migrantinnen und Migranten",)


def test_bad_module_reference_is_skipped_with_line():
    text = full_page(**{"Weitere Module, die Sie auch interessieren könnten": ["Modul 12: Gut", "", "Siehe oben"]})
    parsed = parse_page(text, 5)
    assert [r.number for r in parsed.module.related] == [12]
    problem = next(p for p in parsed.problems if p.skipped)
    assert problem.line == text.splitlines().index("Siehe oben") + 1


@pytest.mark.parametrize("text, authors, more, year, title, place, publisher, edition", [
    ("Fey, G. (2007): Kontakte knüpfen. Erfolgreiches Netzwerken., Regensburg", ("Fey, G.",), False, "2007", "Kontakte knüpfen. Erfolgreiches Netzwerken", "Regensburg", None, None),
    ("Schubert, H.; Veil, K. u. a. (2013): Beziehungen., 2. Aufl., Köln: Verlag X", ("Schubert, H.", "Veil, K."), True, "2013", "Beziehungen", "Köln", "Verlag X", "2. Aufl."),
    ("Meier, A. et al. (1999a): Titel ohne Ort", ("Meier, A.",), True, "1999a", "Titel ohne Ort", None, None, None),
])
def test_literature_parts(text, authors, more, year, title, place, publisher, edition):
    ref = parse_reference(text)
    assert (ref.authors, ref.more_authors, ref.year, ref.title, ref.place, ref.publisher, ref.edition) == (
        authors, more, year, title, place, publisher, edition)


def test_unsplittable_literature_is_kept_whole_and_flagged():
    parsed = parse_page(full_page(Literatur=["Eine Broschüre ohne Jahr"]), 5)
    ref = parsed.module.literature[0]
    assert (ref.parsed, ref.citation) == (False, "Eine Broschüre ohne Jahr")
    assert any("could not be split" in p.message for p in parsed.problems)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_arbitrary_text_raises_our_error_or_parses(text):
    try:
        parsed = parse_page(text, 1)
    except SourcePageError as err:
        assert err.message
    else:
        assert parsed.module.number == 1


def test_page_without_title_line_is_read_with_a_warning():
    parsed = parse_page(full_page().split("\n", 2)[2], 5, path="druck_05.txt")
    assert parsed.module.title is None and parsed.module.objective.startswith("Ein Ziel")
    assert parsed.problems[0].line == 1 and "no title line" in parsed.problems[0].message


TEMPLATE_LINES = ["Modul X", "Zielsetzung", "Links", "Projekte", "Literatur", "", "  1. a", "- b", "Fey, G. (2007):",
                  "Modul 3: x", "Prozessphase:", "eignet sich zur konkreten Umsetzung", "Finanzierung", "Kommune",
                  "Dieses Modul wurde bisher von 2 Nutzern bewertet.", "Umsetzung und Durchführung", "Text.",
                  "Einschätzungen zu diesem Modul von Nutzerinnen und Nutzer", "Wichtige Umsetzungsschritte / Aufwandsabschätzung"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TEMPLATE_LINES), max_size=60))
def test_template_lines_in_any_order_parse_or_raise_our_error(lines):
    try:
        parsed = parse_page("\n".join(lines), 1)
    except SourcePageError as err:
        assert err.message
    else:
        assert parsed.module.number == 1 and all(p.message for p in parsed.problems)
