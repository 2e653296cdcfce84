"""marsad (مرصد): Arabic multi-source news intelligence."""

__version__ = "0.1.0"
SPEC_VERSION = 1
