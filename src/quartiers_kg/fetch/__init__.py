"""Get the toolbox from its sites into a mirror on disk: a polite, incremental crawler (`quartiers-kg fetch`)."""

from .crawler import Crawler, Politeness, Summary, toolbox_crawler
from .mirror import Mirror, Record

__all__ = ["Crawler", "Mirror", "Politeness", "Record", "Summary", "toolbox_crawler"]
