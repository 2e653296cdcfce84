"""One options object for every entry point (library, CLI, later the server), instead of long argument lists."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True, slots=True)
class Options:
    # ingest
    max_bytes: int = 20_000_000  # larger inputs are refused with E006
    min_text_chars: int = 20  # shorter decoded text is an empty document (E003)
    recursive: bool = True
    detect_language: bool = True
    # html extraction: when trafilatura keeps less than this share of our own extraction, use ours
    html_min_ratio: float = 0.5
    # cleaning
    clean: bool = True
    glued_min_paragraphs: int = 3  # prose paragraphs needed after a related block to call it a glued article
    # output
    include_text: bool = True
    extra: dict[str, object] = field(default_factory=dict)

    def with_(self, **changes: object) -> Options:
        return replace(self, **changes)  # type: ignore[arg-type]


DEFAULT_OPTIONS = Options()
