"""Progress reporting that the numeric core can call without knowing about Rich or the CLI."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    """Reports steps of a long job; the CLI shows them as Rich progress bars."""

    def step(self, label: str) -> None: ...

    def track(self, items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]: ...


class Silent:
    """A Progress that shows nothing (library use, tests, the API)."""

    def step(self, label: str) -> None:
        return None

    def track(self, items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
        yield from items
