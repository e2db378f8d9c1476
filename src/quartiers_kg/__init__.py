"""quartiers-kg: the Modulbaukasten of altengerechte Quartiere.NRW as a Linked Open Data graph."""

__version__ = "0.1.0"
