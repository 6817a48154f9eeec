"""Fixtures for the network layer: a small hand-made feeder and (cached) SimBench grids."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from power_grid_model import ComponentType as CT
from power_grid_model import DatasetType, LoadGenType, initialize_array

from netruimte.grid.model import ApplianceProfiles, GridModel


def make_feeder(
    n_nodes: int = 6,
    n_steps: int = 96 * 7,
    load_mw: float = 1.0,
    pv_mw: float = 0.0,
    i_n_a: float = 300.0,
    r_ohm: float = 0.2,
) -> GridModel:
    """A 10.5 kV radial feeder behind a 150/10.5 kV transformer.

    Node 1 is the HV source node, node 2 the MV busbar, nodes 3.. a chain of cable sections.
    Every MV node carries a load (id 300+k) with a daily shape; the last one a PV unit (id 400).
    """
    nodes = initialize_array(DatasetType.input, CT.node, n_nodes)
    nodes["id"] = np.arange(1, n_nodes + 1)
    nodes["u_rated"] = [150e3] + [10.5e3] * (n_nodes - 1)
    source = initialize_array(DatasetType.input, CT.source, 1)
    source["id"] = 100
    source["node"] = 1
    source["status"] = 1
    source["u_ref"] = 1.0
    source["sk"] = 1e20
    tr = initialize_array(DatasetType.input, CT.transformer, 1)
    tr["id"] = 101
    tr["from_node"] = 1
    tr["to_node"] = 2
    tr["from_status"] = 1
    tr["to_status"] = 1
    tr["u1"] = 150e3
    tr["u2"] = 10.5e3
    tr["sn"] = 20e6
    tr["uk"] = 0.12
    tr["pk"] = 80e3
    tr["i0"] = 0.002
    tr["p0"] = 15e3
    tr["winding_from"] = 1
    tr["winding_to"] = 2
    tr["clock"] = 5
    tr["tap_side"] = 0
    tr["tap_pos"] = 0
    tr["tap_min"] = -8
    tr["tap_max"] = 8
    tr["tap_nom"] = 0
    tr["tap_size"] = 2500.0
    n_lines = n_nodes - 2
    line = initialize_array(DatasetType.input, CT.line, n_lines)
    line["id"] = 200 + np.arange(n_lines)
    line["from_node"] = np.arange(2, n_nodes)
    line["to_node"] = np.arange(3, n_nodes + 1)
    line["from_status"] = 1
    line["to_status"] = 1
    line["r1"] = r_ohm
    line["x1"] = 0.1
    line["c1"] = 2e-7
    line["tan1"] = 0.0
    line["i_n"] = i_n_a
    mv = np.arange(2, n_nodes + 1)
    loads = initialize_array(DatasetType.input, CT.sym_load, len(mv))
    loads["id"] = 300 + mv
    loads["node"] = mv
    loads["status"] = 1
    loads["type"] = LoadGenType.const_power
    loads["p_specified"] = load_mw * 1e6
    loads["q_specified"] = 0.2 * load_mw * 1e6
    gen = initialize_array(DatasetType.input, CT.sym_gen, 1)
    gen["id"] = 400
    gen["node"] = n_nodes
    gen["status"] = 1
    gen["type"] = LoadGenType.const_power
    gen["p_specified"] = 0.0
    gen["q_specified"] = 0.0
    data = {
        CT.node: nodes,
        CT.source: source,
        CT.transformer: tr,
        CT.line: line,
        CT.sym_load: loads,
        CT.sym_gen: gen,
    }
    time_utc = pd.date_range("2025-01-01", periods=n_steps, freq="15min", tz="UTC")
    hour = (np.arange(n_steps) % 96) / 4.0
    shape = 0.4 + 0.6 * np.exp(-(((hour - 19.0) / 3.0) ** 2))  # evening peak
    sun = np.sin(np.pi * (hour - 6) / 12).clip(0)
    rng = np.random.default_rng(1)
    p_load = load_mw * shape[:, None] * rng.uniform(0.8, 1.2, (n_steps, len(mv)))
    profiles = ApplianceProfiles(
        time_utc=time_utc,
        appliance_ids=np.concatenate([loads["id"], gen["id"]]).astype(np.int64),
        p_mw=np.column_stack([p_load, pv_mw * sun]),
        q_mvar=np.column_stack([0.2 * p_load, np.zeros(n_steps)]),
    )
    names = {int(i): f"Node {i}" for i in nodes["id"]}
    names.update({int(i): f"Cable {i}" for i in line["id"]})
    names[101] = "Substation transformer"
    return GridModel(name="feeder", input_data=data, names=names, profiles=profiles)


@pytest.fixture
def feeder() -> GridModel:
    return make_feeder()


@pytest.fixture
def feeder_factory():
    """`make_feeder` itself, for tests that need other sizes or loads."""
    return make_feeder


@pytest.fixture(scope="session")
def rural():
    pytest.importorskip("simbench")
    from netruimte.grid.simbench_import import load_simbench

    return load_simbench("1-MV-rural--0-sw")


@pytest.fixture(scope="session")
def urban():
    pytest.importorskip("simbench")
    from netruimte.grid.simbench_import import load_simbench

    return load_simbench("1-MV-urban--0-sw")
