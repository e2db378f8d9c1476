"""Page text -> model: read print pages and web pages of the Modulbaukasten into `Module`s."""

from .assemble import assemble
from .files import SourceFile, mirror_files, read_page, read_source
from .page import parse_page
from .web import parse_web_page, place_of

__all__ = ["SourceFile", "assemble", "mirror_files", "parse_page", "parse_web_page", "place_of", "read_page", "read_source"]
