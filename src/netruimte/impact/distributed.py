"""Run the roll-up's tasks on a Dask cluster: `--scheduler ADDRESS` or `--workers N` locally.

The executor has the same four methods as `rollup.LocalExecutor` (scatter, submit, gather,
resolve). Tasks are partitioned by group (a TenneT area with its supply areas) and by chunk of
Monte Carlo samples; a group's reduced problem stays on the worker that made it and the
later tasks of that group run there (Dask's data locality). Each worker runs numba with one
thread; the driver adds the results in group order, so the numbers equal a 1-process run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from netruimte.errors import InputError


class DaskExecutor:
    """Submit tasks to a dask.distributed Client."""

    def __init__(self, client, threads: int = 1):
        self.client = client
        self.threads = threads
        self.task_threads = threads
        n = len(client.scheduler_info().get("workers", {}))
        self.name = f"Dask, {n} worker{'s' if n != 1 else ''}"

    def scatter(self, value):
        return self.client.scatter(value, broadcast=True)

    def submit(self, fn, *args, **kwargs):
        return self.client.submit(fn, *args, pure=False, **kwargs)

    def gather(self, futures: list) -> list:
        return self.client.gather(futures)

    def resolve(self, value):
        return value.result() if hasattr(value, "result") else value


@contextlib.contextmanager
def dask_executor(scheduler: str | None = None, workers: int | None = None) -> Iterator:
    """An executor on an existing scheduler, or on a LocalCluster of `workers` processes."""
    from dask.distributed import Client, LocalCluster

    if scheduler and workers:
        raise InputError("give either --scheduler or --workers, not both", column="--workers")
    cluster = None
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout="20s")
            except OSError as exc:
                raise InputError(
                    f"cannot reach the Dask scheduler at {scheduler}: {exc}", column="--scheduler"
                ) from None
        else:
            cluster = LocalCluster(
                n_workers=max(1, int(workers or 1)),
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=40,
            )
            client = Client(cluster)
        try:
            yield DaskExecutor(client, threads=1)
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()
