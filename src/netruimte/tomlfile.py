"""Read a TOML file into a pydantic model; every problem names the file and the key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from netruimte.errors import InputError, InputErrors

M = TypeVar("M", bound=BaseModel)


def validation_errors(
    exc: ValidationError, file: str | Path | None, prefix: str = ""
) -> InputErrors:
    """pydantic errors as InputErrors with the dotted key as the column."""
    return InputErrors(
        [
            InputError(
                e["msg"].removeprefix("Value error, "),
                file=file,
                column=prefix + ".".join(str(p) for p in e["loc"]) or None,
            )
            for e in exc.errors()
        ]
    )


def read_toml_model(path: str | Path, model: type[M]) -> M:
    """Parse `path` as TOML (UTF-8) and validate it as `model`."""
    from netruimte.region.tables import decode_text

    path = Path(path)
    try:
        data = tomllib.loads(decode_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", file=path) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_errors(exc, path) from None
