"""The netruimte service: FastAPI app over one computed run and the tender store."""

from netruimte.api.app import create_app

__all__ = ["create_app"]
