"""Checks on a network model, its profiles and a request, with errors that name the element.

A power flow on a bad model either fails deep inside the engine with an error about matrices,
or, worse, succeeds with zero voltages on a floating part of the grid that then reads as
congestion. These checks run once at the edge so the hot paths can trust their arrays.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from power_grid_model import CalculationType, ComponentType
from power_grid_model.validation import validate_input_data
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from netruimte.errors import InputError, InputErrors
from netruimte.grid.model import PROFILE_COMPONENTS, ApplianceProfiles, GridModel

_TWO_TERMINAL = (
    ComponentType.line,
    ComponentType.transformer,
    ComponentType.link,
    ComponentType.generic_branch,
    ComponentType.asym_line,
)
_SHOWN = 8


def _listing(labels: Iterable[str]) -> str:
    items = list(labels)
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def check_input_data(model: GridModel) -> None:
    """Run power-grid-model's own input validation and report failures by component and id."""
    try:
        errors = validate_input_data(
            model.input_data, calculation_type=CalculationType.power_flow, symmetric=True
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"network '{model.name}': malformed input data: {exc}") from exc
    if errors:
        raise InputErrors(
            [InputError(f"network '{model.name}': {_with_ids(model, err)}") for err in errors[:50]]
        )


def _with_ids(model: GridModel, err: object) -> str:
    """The engine's message plus the ids (and names) of the offending elements."""
    ids = []
    for item in getattr(err, "ids", None) or []:
        ids.append(item[1] if isinstance(item, tuple) else item)
    if not ids:
        return str(err)
    return f"{err} ({_listing(model.name_of(int(i)) for i in ids)})"


def energized_nodes(model: GridModel) -> np.ndarray:
    """Boolean mask over nodes (input order): reachable from a switched-on source.

    Branches count as connections only when both ends are switched on, as in the engine.
    """
    nodes = model.node_ids
    index = pd.Series(np.arange(len(nodes)), index=nodes)
    rows, cols = [], []
    for comp in _TWO_TERMINAL:
        arr = model.input_data.get(comp)
        if arr is None or len(arr) == 0:
            continue
        on = (arr["from_status"] == 1) & (arr["to_status"] == 1)
        rows.append(index.loc[arr["from_node"][on]].to_numpy())
        cols.append(index.loc[arr["to_node"][on]].to_numpy())
    t3 = model.input_data.get(ComponentType.three_winding_transformer)
    if t3 is not None and len(t3):
        on = (t3["status_1"] == 1) & (t3["status_2"] == 1) & (t3["status_3"] == 1)
        n1 = index.loc[t3["node_1"][on]].to_numpy()
        for other in ("node_2", "node_3"):
            rows.append(n1)
            cols.append(index.loc[t3[other][on]].to_numpy())
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(r)), (r, c)), shape=(len(nodes), len(nodes)))
    _, labels = connected_components(graph, directed=False)
    src = model.input_data.get(ComponentType.source)
    if src is None or not np.any(src["status"] == 1):
        return np.zeros(len(nodes), dtype=bool)
    fed = np.unique(labels[index.loc[src["node"][src["status"] == 1]].to_numpy()])
    return np.isin(labels, fed)


def check_topology(model: GridModel) -> None:
    """A network needs a switched-on source and no node cut off from it (an island)."""
    src = model.input_data.get(ComponentType.source)
    if src is None or len(src) == 0:
        raise InputError(
            f"network '{model.name}' has no source: add a 'source' (the slack, e.g. the "
            "upstream grid at the substation) to the power-grid-model input"
        )
    if not np.any(src["status"] == 1):
        labels = [model.name_of(i) for i in src["id"]]
        raise InputError(
            f"network '{model.name}' has no switched-on source: {_listing(labels)} "
            "all have status 0"
        )
    fed = energized_nodes(model)
    if not fed.all():
        stranded = [model.name_of(i) for i in model.node_ids[~fed]]
        raise InputError(
            f"network '{model.name}' is islanded: {len(stranded)} node(s) have no path to a "
            f"source through switched-on branches: {_listing(stranded)}"
        )


def check_profiles(model: GridModel, profiles: ApplianceProfiles) -> None:
    """Profiles must cover known appliances, have matching shapes, finite values and a
    strictly increasing, regular, tz-aware UTC time axis."""
    where = f"profiles of network '{model.name}'"
    known = np.concatenate([model.ids(c) for c in PROFILE_COMPONENTS])
    ids = np.asarray(profiles.appliance_ids)
    unknown = ids[~np.isin(ids, known)]
    if len(unknown):
        raise InputError(
            f"{where}: {len(unknown)} column(s) name no sym_load or sym_gen of the grid: "
            f"{_listing(f'id {i}' for i in unknown)}"
        )
    dup = pd.Index(ids)[pd.Index(ids).duplicated()]
    if len(dup):
        raise InputError(f"{where}: appliance id(s) appear twice: {_listing(map(str, dup))}")
    n_t, n = len(profiles.time_utc), len(ids)
    for label, arr in (("p_mw", profiles.p_mw), ("q_mvar", profiles.q_mvar)):
        if arr.shape != (n_t, n):
            raise InputError(
                f"{where}: {label} has shape {arr.shape}, expected ({n_t} time steps, "
                f"{n} appliances)"
            )
        bad = ~np.isfinite(arr)
        if bad.any():
            t_idx, col = np.argwhere(bad)[0]
            raise InputError(
                f"{where}: {label} of {model.name_of(ids[col])} is missing or infinite at "
                f"{profiles.time_utc[t_idx]} ({int(bad.sum())} value(s) in all)"
            )
    check_time_axis(profiles.time_utc, where)


def check_time_axis(time_utc: pd.DatetimeIndex, where: str) -> None:
    """A tz-aware UTC axis, strictly increasing with one fixed step."""
    if not isinstance(time_utc, pd.DatetimeIndex) or time_utc.tz is None:
        raise InputError(f"{where}: the time axis must be tz-aware (UTC)")
    if len(time_utc) == 0:
        raise InputError(f"{where}: the time axis is empty")
    if len(time_utc) > 1:
        steps = np.diff(time_utc.asi8)
        if steps.min() <= 0 or steps.min() != steps.max():
            k = int(np.argmax((steps != steps[0]) | (steps <= 0))) + 1
            raise InputError(
                f"{where}: the time axis must rise by one fixed step; it breaks at {time_utc[k]}"
            )


def check_node(model: GridModel, node_id: int) -> int:
    """The index of `node_id` in the node array; an unknown id is a user error."""
    nodes = model.node_ids
    hit = np.flatnonzero(nodes == node_id)
    if len(hit) == 0:
        near = nodes[np.argsort(np.abs(nodes.astype(np.int64) - int(node_id)))[:5]]
        raise InputError(
            f"request: node id {node_id} is not in network '{model.name}' "
            f"({len(nodes)} nodes; nearby ids: {', '.join(map(str, sorted(near)))})"
        )
    return int(hit[0])


def check_model(model: GridModel) -> None:
    """All checks a model must pass before a power flow."""
    check_input_data(model)
    check_topology(model)
    if model.profiles is not None:
        check_profiles(model, model.profiles)
