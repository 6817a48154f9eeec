"""The network model of one area: power-grid-model input plus names and year-long profiles.

A `GridModel` is the single hand-over format of the network layer: importers (power-grid-model
JSON, SimBench) produce it, the power flow, quickscan and validation consume it. The input data
is a power-grid-model input dataset in SI units (V, W, var, A, Ω), so it can be written back to
JSON unchanged; profiles are kept separately in MW/Mvar because that is how users think.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from power_grid_model import ComponentType

# Appliances whose power a profile may set, in the order they are stacked in a profile.
PROFILE_COMPONENTS: tuple[ComponentType, ...] = (ComponentType.sym_load, ComponentType.sym_gen)
BRANCH_COMPONENTS: tuple[ComponentType, ...] = (ComponentType.line, ComponentType.transformer)


@dataclass
class ApplianceProfiles:
    """Active and reactive power of appliances over time.

    Each column belongs to one `sym_load` or `sym_gen` id and follows that component's own sign
    convention (power-grid-model's): a `sym_load` with positive `p_mw` consumes, a `sym_gen` with
    positive `p_mw` produces. Appliances without a column keep their static input value.
    """

    time_utc: pd.DatetimeIndex
    appliance_ids: np.ndarray  # (n,) int
    p_mw: np.ndarray  # (T, n)
    q_mvar: np.ndarray  # (T, n)

    @property
    def n_steps(self) -> int:
        """Number of time steps T."""
        return len(self.time_utc)

    def select(self, steps: np.ndarray | slice) -> ApplianceProfiles:
        """The same appliances on a subset of the time steps (for sampling and quickscan)."""
        return ApplianceProfiles(
            time_utc=self.time_utc[steps],
            appliance_ids=self.appliance_ids,
            p_mw=self.p_mw[steps],
            q_mvar=self.q_mvar[steps],
        )


@dataclass
class GridModel:
    """One area's network: power-grid-model input data, display names and optional profiles."""

    name: str
    input_data: dict[ComponentType, np.ndarray]
    names: dict[int, str] = field(default_factory=dict)  # any component id -> display name
    profiles: ApplianceProfiles | None = None

    def ids(self, component: ComponentType) -> np.ndarray:
        """Ids of one component type, in input order (empty when absent)."""
        arr = self.input_data.get(component)
        return np.zeros(0, dtype=np.int32) if arr is None else arr["id"]

    def count(self, component: ComponentType) -> int:
        """Number of elements of one component type."""
        arr = self.input_data.get(component)
        return 0 if arr is None else len(arr)

    def name_of(self, element_id: int) -> str:
        """A readable label for an element: its name and id when a name is known."""
        name = self.names.get(int(element_id))
        return f"{name} (id {element_id})" if name else f"id {element_id}"

    @property
    def node_ids(self) -> np.ndarray:
        """Node ids in input order."""
        return self.ids(ComponentType.node)

    def node_u_rated_v(self) -> pd.Series:
        """Rated voltage of every node in V, indexed by node id."""
        nodes = self.input_data[ComponentType.node]
        return pd.Series(nodes["u_rated"], index=nodes["id"])

    def asset_table(self) -> pd.DataFrame:
        """One row per congestion-relevant asset: lines, transformers, then nodes (voltage).

        Columns: asset_id, kind ('line' | 'transformer' | 'node'), name, from_node, to_node,
        rating_mva (thermal rating of branches at rated voltage; NaN for nodes) and u_rated_kv.
        """
        u_rated = self.node_u_rated_v()
        frames = []
        if self.count(ComponentType.line):
            line = self.input_data[ComponentType.line]
            u_kv = u_rated.loc[line["from_node"]].to_numpy() / 1e3
            frames.append(
                pd.DataFrame(
                    {
                        "asset_id": line["id"],
                        "kind": "line",
                        "from_node": line["from_node"],
                        "to_node": line["to_node"],
                        "rating_mva": np.sqrt(3.0) * u_kv * line["i_n"] / 1e3,
                        "u_rated_kv": u_kv,
                    }
                )
            )
        if self.count(ComponentType.transformer):
            tr = self.input_data[ComponentType.transformer]
            frames.append(
                pd.DataFrame(
                    {
                        "asset_id": tr["id"],
                        "kind": "transformer",
                        "from_node": tr["from_node"],
                        "to_node": tr["to_node"],
                        "rating_mva": tr["sn"] / 1e6,
                        "u_rated_kv": tr["u2"] / 1e3,
                    }
                )
            )
        nodes = self.input_data[ComponentType.node]
        frames.append(
            pd.DataFrame(
                {
                    "asset_id": nodes["id"],
                    "kind": "node",
                    "from_node": nodes["id"],
                    "to_node": nodes["id"],
                    "rating_mva": np.nan,
                    "u_rated_kv": nodes["u_rated"] / 1e3,
                }
            )
        )
        table = pd.concat(frames, ignore_index=True)
        table.insert(2, "name", [self.names.get(int(i), "") for i in table["asset_id"]])
        return table
