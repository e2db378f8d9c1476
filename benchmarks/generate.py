"""Write a synthetic toolbox of N print pages (deterministic), to measure build and serving at scale.

    python benchmarks/generate.py 10000 /tmp/toolbox   # writes /tmp/toolbox/modules/druck_<n>.txt

Each page follows the template, so it passes the reader and the SHACL shapes; about 120 triples a module.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from quartiers_kg.model import NETWORK_TYPES, CaseExample, ExtraSection, Module, ModuleRef, Project
from quartiers_kg.source.literature import parse_reference
from quartiers_kg.source.render import render_page

SYLLABLES = ["quar", "tier", "nach", "bar", "schaft", "netz", "werk", "treff", "punkt", "alter", "wohn", "raum", "kul",
             "tur", "ge", "mein", "sam", "hilfe", "plan", "ung", "stadt", "teil", "dorf", "platz", "haus", "gar", "ten"]
FUNDING = ["Kommune", "Spenden", "Stiftungen", "Vereine", "Land NRW", "Bund", "Europäischer Sozialfonds", "Pflegekassen",
           "Wohnungsunternehmen", "Kirchengemeinden", "Sponsoring", "Eigenmittel"]
FIELDS = ["Gemeinschaft erleben", "Sich versorgen", "Wohnen", "Sich einbringen"]
GROUPS = ["Ältere Menschen mit Behinderung", "Ältere Lesben und Schwule", "Ältere Migrantinnen und Migranten", "Pflegende Angehörige"]
ROLES = ["Kommune", "Quartiersmanagement", "Wohlfahrtsverbände", "Vereine", "Ehrenamtliche", "Wohnungsunternehmen"]


def word(rnd: random.Random) -> str:
    return "".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 4)))


def sentence(rnd: random.Random, words: int = 12) -> str:
    text = " ".join(word(rnd) for _ in range(rnd.randint(words // 2, words)))
    return text[0].upper() + text[1:] + "."


def paragraph(rnd: random.Random) -> str:
    return " ".join(sentence(rnd) for _ in range(rnd.randint(2, 5)))


def name(rnd: random.Random, words: int = 3) -> str:
    return " ".join(word(rnd).capitalize() for _ in range(rnd.randint(1, words)))


def module(number: int, total: int, towns: list[str], authors: list[str]) -> Module:
    rnd = random.Random(number)
    title = name(rnd, 4)  # first draw: module_title() repeats it for pages that refer to this one
    items = [f"{t} {sentence(rnd)}" for t in rnd.sample(NETWORK_TYPES, rnd.randint(0, 2))] + [sentence(rnd) for _ in range(rnd.randint(0, 2))]
    low = rnd.randint(3, 10)
    implementation = paragraph(rnd) + f" Die ideale Netzwerkgröße besteht aus {low} bis {low + rnd.randint(0, 8)} Akteurinnen und Akteuren."
    literature = []
    for _ in range(rnd.randint(0, 4)):
        who = "; ".join(rnd.sample(authors, rnd.randint(1, 3)))
        literature.append(parse_reference(f"{who} ({rnd.randint(1990, 2024)}): {sentence(rnd, 6)[:-1]}., {rnd.choice(towns)}"))
    return Module(
        number=number,
        title=title,
        objective=paragraph(rnd),
        rating_count=rnd.choice([0, 0, 0, 1, 2, 3, 4, 7]),
        user_roles=tuple(rnd.sample(ROLES, rnd.randint(0, 3))),
        target_groups=tuple(rnd.sample(GROUPS, rnd.randint(0, 2))),
        fields_of_action=tuple(rnd.sample(FIELDS, rnd.randint(1, 2))),
        implementation=implementation,
        implementation_items=tuple(dict.fromkeys(items)),
        steps_text=paragraph(rnd),
        steps=tuple(dict.fromkeys(name(rnd, 5) for _ in range(rnd.randint(3, 8)))),
        pitfalls=tuple(dict.fromkeys(sentence(rnd) for _ in range(rnd.randint(1, 3)))),
        evaluation=paragraph(rnd),
        case_examples=tuple(CaseExample(f"„{n}“ ({n[:4].upper()})", n, n[:4].upper()) for n in {name(rnd) for _ in range(rnd.randint(1, 3))}),
        funding=tuple(rnd.sample(FUNDING, rnd.randint(1, 4))),
        advice=paragraph(rnd),
        projects=tuple({Project(name(rnd, 4), rnd.choice(towns)) for _ in range(rnd.randint(0, 4))}),
        related=tuple(ModuleRef(n, module_title(n)) for n in sorted({rnd.randint(1, total) for _ in range(rnd.randint(1, 5))} - {number})),
        literature=tuple({(r.authors[0], r.year, r.title): r for r in literature}.values()),
        links=tuple(dict.fromkeys(name(rnd, 6) for _ in range(rnd.randint(0, 3)))),
        extra_sections=(ExtraSection("Hinweise zur Evaluation", paragraph(rnd)),) if rnd.random() < 0.05 else (),
    )


def main(count: int, out: Path) -> None:
    rnd = random.Random(0)
    towns = sorted({name(rnd, 2) for _ in range(400)})
    authors = sorted({f"{word(rnd).capitalize()}, {word(rnd)[0].upper()}." for _ in range(800)})
    folder = out / "modules"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(1, count + 1):
        page = module(number, count, towns, authors)
        (folder / f"druck_{number:02d}.txt").write_text(render_page(page), encoding="utf-8")


def module_title(number: int) -> str:
    """The title module `number` gets, as the pages that refer to it print it."""
    return name(random.Random(number), 4)


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
