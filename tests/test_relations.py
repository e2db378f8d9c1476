"""Relations computed at build: each module's strongest partners and every explicit reference, never all pairs."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox

from quartiers_kg import relations

QK = relations.QK
KG = "https://w3id.org/quartiers-kg/"


def store_select(triples: list[tuple]) -> callable:
    """A select function (as NewStore.select) over a pyoxigraph store holding `triples` of IRIs and literals."""
    store = ox.Store()
    for s, p, o in triples:
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o if isinstance(o, ox.Literal) else ox.NamedNode(o)))

    def select(sparql: str) -> list[dict]:
        result = store.query(sparql)
        return [{v.value: ({"value": row[v].value} if row[v] is not None else None) for v in result.variables} for row in result]

    return select


def toolbox(modules: int) -> list[tuple]:
    """Every module shares funding 'all'; module n also shares a project with n+1; 1 points to 2."""
    label = "http://www.w3.org/2004/02/skos/core#prefLabel"
    triples = [(f"{KG}funding/all", label, ox.Literal("Alle", language="de"))]
    for n in range(1, modules + 1):
        m = f"{KG}module/{n}"
        triples += [(m, QK + "moduleNumber", ox.Literal(str(n), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
                    (m, QK + "fundingSource", f"{KG}funding/all"), (m, QK + "project", f"{KG}project/p{n // 2}")]
    return triples + [(f"{KG}module/1", QK + "relatedModule", f"{KG}module/2")]


def test_each_module_keeps_its_strongest_partners_and_every_reference():
    rows = relations.compute(store_select(toolbox(60)), partners=5)
    partners = Counter(r[0] for r in {(r[0], r[1]) for r in rows if not r[3].startswith("reference")})
    assert max(partners.values()) == 5 and len(partners) == 60  # 59 others share funding; 5 kept each
    # the project partner (weight 2 over funding and project) is always among the strongest
    for n in range(2, 60, 2):
        assert (n, n + 1, f"{KG}module/{n + 1}", "project", 1, "") in rows
        assert any(r[:2] == (n, n + 1) and r[3] == "funding" and r[5] == "Alle" for r in rows)
    assert rows[:2] == [(1, 2, f"{KG}module/2", "reference-outgoing", 1, ""), (2, 1, f"{KG}module/1", "reference-incoming", 1, "")]
    weights = [r[4] for r in rows[2:]]
    assert weights == sorted(weights, reverse=True)  # then the strongest: a row cap keeps what tells most


def test_written_and_read_back(tmp_path):
    rows = relations.compute(store_select(toolbox(6)), partners=3)
    relations.write(rows, tmp_path)
    variables, read = relations.read(tmp_path)
    assert [v.value for v in variables] == list(relations.VARIABLES)
    assert relations.weighted(variables, read) == [(r[0], r[1], r[3], r[4]) for r in rows]
    assert relations.read(tmp_path / "nothing") is None
