"""The store: articles and every annotation in one SQLite file, grown incrementally (``marsad ingest``)."""

from .gateway import Store
from .ingest import Ingester, IngestReport

__all__ = ["IngestReport", "Ingester", "Store"]
