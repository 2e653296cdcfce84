"""Errors with stable codes (SPEC ``errors``). Each says what went wrong and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass

# code -> (short name, what the user can do). Codes are stable: never renumber, only add.
CODES: dict[str, tuple[str, str]] = {
    "E001": ("unreadable file", "check that the path exists and is readable"),
    "E002": ("unknown encoding", "save the file as UTF-8 (or UTF-16/Windows-1256 with a BOM or clear Arabic text)"),
    "E003": ("empty document", "the input holds no article text; remove it or fix the export"),
    "E004": ("malformed record", "fix the HTML/WARC/JSONL/feed record or drop it from the batch"),
    "E005": ("binary file", "only text, HTML, JSONL, WARC and RSS/Atom inputs are read"),
    "E006": ("oversized input", "split the input or raise the limit with --max-bytes"),
    "E007": ("unsupported input", "give .txt, .html/.htm, .jsonl, .warc/.warc.gz, .rss/.atom/.xml files"),
    "E008": ("bad sidecar", "the NAME.meta.json beside the text must be a JSON object"),
    "E009": ("input not found", "check the path"),
    "E010": ("pipeline misconfigured", "add the stage that provides the missing layer before the one needing it"),
}


@dataclass(slots=True)
class ErrorRecord:
    """One problem with one input; the batch goes on without it."""

    input: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"input": self.input, "code": self.code, "message": self.message}

    def __str__(self) -> str:
        return f"{self.code} {self.input}: {self.message}"


class MarsadError(Exception):
    """An error with a stable code. ``input`` names the file or record it is about."""

    def __init__(self, code: str, message: str, input: str = "") -> None:
        if code not in CODES:
            raise ValueError(f"unknown error code {code}")
        self.code = code
        self.input = input
        self.reason = message
        hint = CODES[code][1]
        where = f"{input}: " if input else ""
        super().__init__(f"{code} {where}{message} ({hint})")

    def record(self) -> ErrorRecord:
        return ErrorRecord(self.input, self.code, self.reason)


class PipelineError(MarsadError):
    """A pipeline whose stages do not fit together (raised when the pipeline is built)."""

    def __init__(self, message: str) -> None:
        super().__init__("E010", message)
