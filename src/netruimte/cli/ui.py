"""Rich faces for the CLI: progress bars for long steps and summary tables."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

T = TypeVar("T")
console = Console()


class RichProgress:
    """Implements netruimte.progress.Progress with Rich: one line per step, bars for loops."""

    def __init__(self) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._current: int | None = None

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._finish_current()
        self._progress.stop()

    def _finish_current(self) -> None:
        if self._current is not None:
            self._progress.update(self._current, total=1, completed=1)
            self._current = None

    def step(self, label: str) -> None:
        self._finish_current()
        self._current = self._progress.add_task(label, total=1)

    def track(self, items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
        self._finish_current()
        if total is None and hasattr(items, "__len__"):
            total = len(items)  # type: ignore[arg-type]
        task = self._progress.add_task(label, total=total)
        pending = 0
        for item in items:
            yield item
            pending += 1
            if pending >= 64:  # Rich redraws are slow; advance in batches
                self._progress.advance(task, pending)
                pending = 0
        self._progress.advance(task, pending)
