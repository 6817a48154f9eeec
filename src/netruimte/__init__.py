"""netruimte: make the room on a congested electricity grid computable, area by area."""

__version__ = "0.1.0"
