"""Congestion: shortage per direction and event extraction (the numeric core, numpy only)."""

from netruimte.congestion.events import EventTable, events_from_cube, events_from_series
from netruimte.congestion.shortage import shortage_mw

__all__ = ["EventTable", "events_from_cube", "events_from_series", "shortage_mw"]
