"""Import SimBench grids with their year-long profiles (optional extra `netruimte[simbench]`).

SimBench ships its grids and profiles inside the `simbench` package, so this works offline.
The conversion goes SimBench -> pandapower -> power-grid-model (power-grid-model-io), with the
fixes that conversion needs:

- power-grid-model-io fails on transformers whose `vector_group` is None: it is filled from the
  standard type name (e.g. "25 MVA 110/20 kV YNd5" -> "YNd5"), else from the phase shift.
- SimBench leaves `tap_changer_type` empty; pandapower 3 then ignores `tap_pos` while
  power-grid-model applies it. The type is set to "Ratio" so both apply the same tap.
- The converter makes three loads per load (constant P, Z and I); the all-zero copies are
  dropped and profiles are split over the copies that remain by their share.
- The external grid of a SimBench grid has no short-circuit power, which pandapower reads as an
  ideal slack; the source gets `sk` = IDEAL_SOURCE_SK_VA so power-grid-model models it ideal too.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from power_grid_model import ComponentType, LoadGenType

from netruimte.errors import InputError
from netruimte.grid.model import ApplianceProfiles, GridModel

IDEAL_SOURCE_SK_VA = 1e20
SIMBENCH_YEAR = 2016  # the SimBench profiles cover one leap year at 15 minutes
_VECTOR_GROUP = re.compile(r"\b(YN|Y|D|ZN|Z)(yn|y|d|zn|z)(\d{1,2})\b")


def _require_simbench():  # pragma: no cover - exercised only without the extra
    try:
        import pandapower  # noqa: F401
        import power_grid_model_io  # noqa: F401
        import simbench
    except ImportError as exc:
        raise InputError(
            "SimBench import needs the optional extra: pip install 'netruimte[simbench]' "
            f"({exc.name} is missing)"
        ) from exc
    return simbench


@dataclass
class SimbenchGrid:
    """A converted SimBench grid: the model, the pandapower net it came from and the id maps.

    `pp_ids` maps (pandapower table, pgm id) both ways, so results can be compared element by
    element with pandapower (validation) and pandapower profiles applied to the right loads.
    """

    code: str
    model: GridModel
    net: object  # pandapowerNet, prepared (vector groups, taps, dtypes fixed)
    node_of_bus: pd.Series  # pp bus index -> pgm node id
    line_of_pp: pd.Series  # pp line index -> pgm line id
    transformer_of_pp: pd.Series  # pp trafo index -> pgm transformer id
    load_p_mw: pd.DataFrame | None  # (T, pp loads) absolute profile, MW
    load_q_mvar: pd.DataFrame | None
    sgen_p_mw: pd.DataFrame | None


def _vector_group_from(std_type: object, shift_degree: float) -> str:
    match = _VECTOR_GROUP.search(str(std_type)) if isinstance(std_type, str) else None
    if match:
        return "".join(match.groups())
    clock = round(float(shift_degree) / 30.0) % 12
    return f"Dyn{clock}" if clock % 2 else f"YNyn{clock}"


def prepare_pandapower_net(net) -> None:
    """Fix, in place, what SimBench leaves out so pandapower and power-grid-model agree."""
    tr = net.trafo
    if len(tr):
        missing = tr["vector_group"].isna() if "vector_group" in tr else pd.Series(True, tr.index)
        filled = [
            _vector_group_from(s, d)
            for s, d in zip(tr["std_type"], tr["shift_degree"].fillna(0.0), strict=True)
        ]
        tr["vector_group"] = np.where(missing, filled, tr.get("vector_group", filled))
        has_tap = tr["tap_pos"].notna() & tr["tap_step_percent"].notna() & tr["tap_side"].notna()
        no_type = (
            tr["tap_changer_type"].isna() | (tr["tap_changer_type"].astype(str) == "None")
            if "tap_changer_type" in tr
            else pd.Series(True, tr.index)
        )
        tr["tap_changer_type"] = np.where(has_tap & no_type, "Ratio", tr.get("tap_changer_type"))
        tr["tap_changer_type"] = tr["tap_changer_type"].astype(object)
        tr.loc[~has_tap, "tap_changer_type"] = None
    # Object columns of NaN upset lightsim2grid's pandapower reader and comparisons.
    for table in ("load", "sgen", "gen", "ext_grid", "storage"):
        df = net[table]
        for col in ("min_p_mw", "max_p_mw", "min_q_mvar", "max_q_mvar"):
            if col in df:
                df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)


def _absolute_profiles(sb, net) -> dict[tuple[str, str], pd.DataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sb.get_absolute_values(net, profiles_instead_of_study_cases=True)


def load_simbench(code: str, with_profiles: bool = True) -> SimbenchGrid:
    """Load a SimBench grid (e.g. '1-MV-rural--0-sw') as a `GridModel` with its profiles."""
    sb = _require_simbench()
    from power_grid_model_io.converters import PandaPowerConverter

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            net = sb.get_simbench_net(code)
    except Exception as exc:  # simbench raises plain errors for unknown codes
        raise InputError(f"unknown SimBench code '{code}': {exc}") from exc
    prepare_pandapower_net(net)
    if len(net.storage) and with_profiles:
        raise InputError(f"SimBench grid '{code}': storage units are not supported yet")

    converter = PandaPowerConverter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data, _extra = converter.load_input_data(net)
    except (NotImplementedError, RuntimeError, ValueError, KeyError) as exc:
        raise InputError(f"SimBench grid '{code}' cannot be converted: {exc}") from exc
    idx = converter.idx  # (pp table, name) -> Series(pp index -> pgm id)

    # Loads: keep constant-power copies always, Z and I copies only where they carry power.
    loads = data[ComponentType.sym_load]
    keep = (
        (loads["type"] == LoadGenType.const_power)
        | (loads["p_specified"] != 0)
        | (loads["q_specified"] != 0)
    )
    data[ComponentType.sym_load] = loads[keep]
    data[ComponentType.source]["sk"] = np.where(
        np.isfinite(data[ComponentType.source]["sk"]),
        data[ComponentType.source]["sk"],
        IDEAL_SOURCE_SK_VA,
    )

    names: dict[int, str] = {}
    for table in ("bus", "line", "trafo", "sgen", "ext_grid"):
        if (table, None) in idx and "name" in net[table]:
            ser = idx[(table, None)]
            labels = net[table].loc[ser.index, "name"].astype(str)
            names.update(zip(ser.to_numpy().tolist(), labels, strict=True))
    load_map = idx.get(("load", "const_power"))
    if load_map is not None:
        labels = net.load.loc[load_map.index, "name"].astype(str)
        names.update(zip(load_map.to_numpy().tolist(), labels, strict=True))

    load_p = load_q = sgen_p = None
    profiles = None
    if with_profiles:
        prof = _absolute_profiles(sb, net)
        load_p = prof[("load", "p_mw")]
        load_q = prof[("load", "q_mvar")]
        sgen_p = prof[("sgen", "p_mw")]
        profiles = _profiles_for(net, data, idx, load_p, load_q, sgen_p)

    model = GridModel(name=code, input_data=data, names=names, profiles=profiles)
    return SimbenchGrid(
        code=code,
        model=model,
        net=net,
        node_of_bus=idx[("bus", None)],
        line_of_pp=idx.get(("line", None), pd.Series(dtype=np.int32)),
        transformer_of_pp=idx.get(("trafo", None), pd.Series(dtype=np.int32)),
        load_p_mw=load_p,
        load_q_mvar=load_q,
        sgen_p_mw=sgen_p,
    )


def simbench_time_axis(n_steps: int) -> pd.DatetimeIndex:
    """SimBench profiles start 1 January 2016 00:00 and carry no time zone; read as UTC."""
    start = pd.Timestamp(year=SIMBENCH_YEAR, month=1, day=1, tz="UTC")
    return pd.date_range(start, periods=n_steps, freq="15min")


def _profiles_for(net, data, idx, load_p, load_q, sgen_p) -> ApplianceProfiles:
    """Profiles per power-grid-model appliance from pandapower absolute profiles.

    A pandapower load is split over its constant P/Z/I copies by their share; `scaling` is
    applied as power-grid-model-io applies it to the static values.
    """
    kept = set(data[ComponentType.sym_load]["id"].tolist())
    ids, p_cols, q_cols = [], [], []
    scale_l = net.load["scaling"].reindex(load_p.columns).fillna(1.0).to_numpy()
    z_p = net.load.get("const_z_p_percent", pd.Series(0.0, net.load.index))
    i_p = net.load.get("const_i_p_percent", pd.Series(0.0, net.load.index))
    z_q = net.load.get("const_z_q_percent", pd.Series(0.0, net.load.index))
    i_q = net.load.get("const_i_q_percent", pd.Series(0.0, net.load.index))
    shares = {
        "const_power": (
            1 - (z_p + i_p).reindex(load_p.columns).fillna(0).to_numpy() / 100,
            1 - (z_q + i_q).reindex(load_p.columns).fillna(0).to_numpy() / 100,
        ),
        "const_impedance": (
            z_p.reindex(load_p.columns).fillna(0).to_numpy() / 100,
            z_q.reindex(load_p.columns).fillna(0).to_numpy() / 100,
        ),
        "const_current": (
            i_p.reindex(load_p.columns).fillna(0).to_numpy() / 100,
            i_q.reindex(load_p.columns).fillna(0).to_numpy() / 100,
        ),
    }
    lp = load_p.to_numpy() * scale_l
    lq = load_q.to_numpy() * scale_l
    for name, (sp, sq) in shares.items():
        pgm = idx[("load", name)].reindex(load_p.columns).to_numpy()
        present = np.array([i in kept for i in pgm])
        ids.append(pgm[present])
        p_cols.append(lp[:, present] * sp[present])
        q_cols.append(lq[:, present] * sq[present])
    if len(net.sgen):
        pgm = idx[("sgen", None)].reindex(sgen_p.columns).to_numpy()
        scale_g = net.sgen["scaling"].reindex(sgen_p.columns).fillna(1.0).to_numpy()
        ids.append(pgm)
        p_cols.append(sgen_p.to_numpy() * scale_g)
        q_static = net.sgen["q_mvar"].reindex(sgen_p.columns).fillna(0.0).to_numpy() * scale_g
        q_cols.append(np.broadcast_to(q_static, sgen_p.shape))
    p = np.ascontiguousarray(np.concatenate(p_cols, axis=1))
    q = np.ascontiguousarray(np.concatenate(q_cols, axis=1))
    return ApplianceProfiles(
        time_utc=simbench_time_axis(len(load_p)),
        appliance_ids=np.concatenate(ids).astype(np.int64),
        p_mw=p,
        q_mvar=q,
    )
