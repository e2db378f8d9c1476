"""Page text -> model: read a print page of the Modulbaukasten into a `Module`."""

from .page import parse_page, read_page

__all__ = ["parse_page", "read_page"]
