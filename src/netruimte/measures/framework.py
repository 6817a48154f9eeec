"""Measures framework: a measure transforms the picture; a set is applied in sequence.

A measure is a pure function Picture → Picture acting on one or more of: the load cube and
shapes (prognosis, time-of-use, smart charging, CSC batteries), limits and accepted risk
(design weather, emergency curtailment, booked flex), contracts on connections (offered
contract types). A set is applied in the canonical order below, whatever order it is given
in, so a set has one value; the attribution (attribution.py) averages over the orders in
which a set can be *built*. Evaluating a set = transform, admit the queue, compute KPIs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from netruimte.measures import flex_norm, kpis, prognosis, risk_appetite
from netruimte.measures.params import RISK_OPTIONS, Measures
from netruimte.measures.picture import Picture
from netruimte.queue.engine import prepare, run_admission

# Contracts last: they only change what is offered, so a set with contracts shares its
# load, shapes and admission scan with the same set without them.
CANONICAL: tuple[str, ...] = (
    *(f"risk_appetite.{o}" for o in RISK_OPTIONS),
    "risk_appetite",
    "prognosis",
    "flex_norm",
    "contracts",
)
BREAKTHROUGH = {
    "risk_appetite": 1,
    "prognosis": 2,
    "contracts": 3,
    "flex_norm": 7,
}


def _contracts(pic: Picture, m: Measures) -> Picture:
    if "tbtr" in m.contracts.offer:
        from netruimte.measures.contracts import check_tbtr_blocks

        check_tbtr_blocks(m.contracts.terms, pic.calendar)
    offer = tuple(dict.fromkeys((*pic.offer, *m.contracts.offer)))
    return replace(
        pic,
        offer=offer,
        terms=m.contracts.terms,
        applied=(*pic.applied, f"contracts offered: {', '.join(offer[1:])}"),
    )


def measure_function(name: str, measures: Measures) -> Callable[[Picture], Picture]:
    """The transformation of one named measure (a breakthrough or one risk-appetite option)."""
    if name == "risk_appetite":
        return lambda pic: risk_appetite.apply(pic, measures.risk_appetite)
    if name.startswith("risk_appetite."):
        option = name.split(".", 1)[1]
        if option not in RISK_OPTIONS:
            raise ValueError(f"unknown risk-appetite option {option!r}")
        return lambda pic: risk_appetite.apply(pic, measures.risk_appetite, [option])
    if name == "prognosis":
        return lambda pic: prognosis.apply(pic, measures.prognosis)
    if name == "contracts":
        return lambda pic: _contracts(pic, measures)
    if name == "flex_norm":
        return lambda pic: flex_norm.apply(pic, measures.flex_norm)
    raise ValueError(f"unknown measure {name!r}; known: {list(CANONICAL)}")


def canonical(names: Iterable[str]) -> tuple[str, ...]:
    """The members of a set in the order they are applied."""
    names = set(names)
    unknown = names - set(CANONICAL)
    if unknown:
        raise ValueError(f"unknown measures {sorted(unknown)}; known: {list(CANONICAL)}")
    return tuple(n for n in CANONICAL if n in names)


def apply_set(pic: Picture, names: Iterable[str], measures: Measures) -> Picture:
    """Apply a set of measures in sequence (canonical order)."""
    for name in canonical(names):
        pic = measure_function(name, measures)(pic)
    return pic


@dataclass
class Evaluation:
    """One evaluated set: its admission and KPIs (per area and in total)."""

    members: tuple[str, ...]
    admission: pd.DataFrame
    per_area: pd.DataFrame
    total: dict[str, float]
    applied: tuple[str, ...]


def _scan_key(pic: Picture) -> tuple:
    """What the admission scan depends on (contracts, terms, the risk rule and flex do not)."""
    return (
        id(pic.load_mw),
        pic.design_years,
        id(pic.request_shapes),
        pic.request_peak_factor,
        id(pic.reserved_mw),
    )


def evaluate_picture(
    pic: Picture,
    members: tuple[str, ...],
    measures: Measures,
    scans: dict | None = None,
    reasons: bool = False,
    with_kpis: bool = True,
) -> Evaluation:
    """Admit the queue on a transformed picture and compute its KPIs.

    `scans` caches admission scans across pictures that share load, shapes and limits;
    `reasons` builds the reason texts of the admission table (outcomes are the same);
    without `with_kpis` only the availability KPIs are computed (from the admission).
    """
    problem = replace(pic.problem(), reasons=reasons)
    prepared = None
    if scans is not None:
        key = _scan_key(pic)
        if key not in scans:
            scans[key] = (prepare(problem), pic)  # keep pic alive: ids stay unique
        prepared = scans[key][0]
    ordered, outcome = run_admission(problem, prepared=prepared)
    adm = outcome.frame(ordered)
    if with_kpis:
        per_area, total = kpis.compute(pic, adm, measures.costs)
    else:
        per_area, total = kpis.availability(pic, adm)
    return Evaluation(members, adm, per_area, total, pic.applied)


def evaluate(
    pic: Picture, names: Iterable[str], measures: Measures, reasons: bool = False
) -> Evaluation:
    """Evaluate one set of measures on the base picture."""
    members = canonical(names)
    return evaluate_picture(apply_set(pic, members, measures), members, measures, reasons=reasons)


def _subtree(
    pic: Picture, members: tuple[str, ...], start: int, players, measures, scans
) -> dict[frozenset, Evaluation]:
    """Evaluate `members` and every superset that adds later players (DFS, shared work)."""
    out: dict[frozenset, Evaluation] = {}
    key = _scan_key(pic)
    created = key not in scans
    full = len(members) in (0, 1, len(players))  # all KPIs where they are reported
    out[frozenset(members)] = evaluate_picture(pic, members, measures, scans, with_kpis=full)
    for j in range(start, len(players)):
        child = measure_function(players[j], measures)(pic)
        out |= _subtree(child, (*members, players[j]), j + 1, players, measures, scans)
    if created:  # children that share this scan are done
        scans.pop(key, None)
    return out


def _run_task(pic: Picture, task: tuple, players, measures, scans: dict) -> dict:
    """One unit of work: ('root',) = the empty set; ('branch', j) = the subtree of player j;
    ('set', label, members) = one named set. `scans` is shared by the tasks of a process."""
    if task[0] == "root":
        return {frozenset(): evaluate_picture(pic, (), measures, scans)}
    if task[0] == "branch":
        j = task[1]
        child = measure_function(players[j], measures)(pic)
        return _subtree(child, (players[j],), j + 1, players, measures, scans)
    members = canonical(task[2])
    picture = apply_set(pic, members, measures)
    return {task[1]: evaluate_picture(picture, members, measures, scans)}


_SHARED: tuple | None = None  # (picture, players, measures) inherited by forked workers


_WORKER_SCANS: dict = {}


def _worker(task: tuple) -> dict:
    assert _SHARED is not None
    pic, players, measures = _SHARED
    return _run_task(pic, task, players, measures, _WORKER_SCANS)


def workers_available(requested: int) -> int:
    """Processes to use: `requested` (0 = auto: up to 2), 1 unless forking is safe here."""
    import os
    import sys
    import threading

    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 1  # forking a threaded process (e.g. a web server) is not safe
    n = requested if requested > 0 else min(2, os.cpu_count() or 1)
    return max(1, n)


def evaluate_tasks(
    pic: Picture,
    players: Iterable[str],
    measures: Measures,
    extra_sets: dict[str, Iterable[str]] | None = None,
    progress=None,
    workers: int = 1,
) -> tuple[dict[frozenset, Evaluation], dict[str, Evaluation]]:
    """Every subset of `players` (for exact attribution) and the extra named sets.

    Work is split into the subtrees of the subset tree (largest first) and the named sets; with
    `workers` > 1 they run in forked processes (pure functions of the inherited picture).
    """
    global _SHARED
    players = canonical(players)
    # the root first: its scan stays cached for the sets that keep the base load
    tasks: list[tuple] = [("root",), *(("branch", j) for j in range(len(players)))]
    tasks += [("set", name, canonical(m)) for name, m in (extra_sets or {}).items()]
    subsets: dict[frozenset, Evaluation] = {}
    named: dict[str, Evaluation] = {}

    def collect(part: dict) -> None:
        for k, v in part.items():
            (named if isinstance(k, str) else subsets)[k] = v
        if progress is not None:
            progress.step(f"measures: {len(subsets) + len(named)} sets evaluated")

    workers = min(workers, len(tasks))
    if workers > 1:
        import multiprocessing

        _SHARED = (pic, players, measures)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for part in pool.imap_unordered(_worker, tasks):
                    collect(part)
        finally:
            _SHARED = None
    else:
        scans: dict = {}
        for task in tasks:
            collect(_run_task(pic, task, players, measures, scans))
    return subsets, named


def evaluate_all_subsets(
    pic: Picture, players: Iterable[str], measures: Measures, progress=None, workers: int = 1
) -> dict[frozenset, Evaluation]:
    """Every subset of `players`; a subset's picture is its parent's (the subset without its
    canonically last member) with one more measure applied."""
    return evaluate_tasks(pic, players, measures, None, progress, workers)[0]


def kpi_vector(ev: Evaluation, names: tuple[str, ...]) -> np.ndarray:
    """Selected totals of an evaluation as a vector (for attribution)."""
    return np.array([ev.total[n] for n in names], dtype=float)
