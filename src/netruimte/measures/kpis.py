"""The three KPI families per area and in total, for one picture and its admission outcome.

Availability: MW and requests admitted (per direction and contract). Reliability: the grid is
evaluated on every weather year (not only the design years) with the admitted connections
at their full wanted profile; where the load exceeds capacity the shortage is met, in order,
by (1) curtailing non-firm connections, (2) limiting TDTR / CBC-A / CSC connections, (3)
contracted flex up to its MW, (4) emergency curtailment up to the accepted share of the load
(if allowed); what is left is expected energy not served (EENS). TBTR and CBC-T connections
are limited in their fixed windows regardless (reported as window-limited MWh). Events are
maximal runs of quarter-hours. Affordability: operator costs €/yr (flex availability and
activation, contract fees and activation, tariff discounts, measure costs such as battery
redispatch), € per MW admitted, and the tariff effect under the socialisation rule: costs go
into the regional transport tariff in proportion to offtake energy, Δ€/MWh = cost / offtake
MWh of the region (its top-level areas), and per household Δ€/MWh × household MWh/yr.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netruimte.measures.contracts import window_keep
from netruimte.measures.params import Costs
from netruimte.measures.picture import Picture
from netruimte.timeaxis import STEP_H

GROUP_OF = {
    "firm": "firm",
    "tdtr": "limit",
    "cbc_a": "limit",
    "csc": "limit",
    "non_firm": "non_firm",
    "tbtr": "tbtr",
    "cbc_t": "cbc_t",
}
DIRS = ("offtake", "feedin")


def _runs(series: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Boolean: this (sorted) sparse step starts a new run."""
    new = np.ones(len(series), dtype=bool)
    new[1:] = (series[1:] != series[:-1]) | (step[1:] != step[:-1] + 1)
    return new


class _Sparse:
    """Congested steps of one direction, sorted by (series, time), and per-area accumulation."""

    def __init__(self, series, t, area, a_n: int, per_year: float):
        self.order = np.lexsort((t, series))
        self.series, self.t = series[self.order], t[self.order]
        self.area = area[self.order]
        self.a_n, self.per_year = a_n, per_year

    def add(self, cols: dict, col: str, values: np.ndarray, kind: str) -> None:
        """Add MWh ('mwh'), hours with the quantity > 0 ('hours') or runs ('events')."""
        v = values[self.order]
        on = v > 1e-9
        if kind == "mwh":
            got = np.bincount(self.area, weights=v * STEP_H, minlength=self.a_n)
        elif kind == "hours":
            got = np.bincount(self.area[on], minlength=self.a_n) * STEP_H
        else:
            s_on = self.series[on]
            starts = _runs(s_on, self.t[on])
            got = np.bincount(s_on[starts] % self.a_n, minlength=self.a_n).astype(float)
        cols[col] += got * self.per_year


def _admitted_mw(pic: Picture, adm: pd.DataFrame):
    """MW per (variant key, own area) and per (group, direction, key, own area)."""
    got = adm[adm["outcome"] == "admitted"]
    keys = sorted(set(zip(got["profile_class"], got["direction"], strict=True)))
    kpos = {k: i for i, k in enumerate(keys)}
    pos = {a: i for i, a in enumerate(pic.area_ids)}
    k_idx = np.array([kpos[k] for k in zip(got.profile_class, got.direction, strict=True)], int)
    a_idx = got["area_id"].map(pos).to_numpy()
    groups = got["contract"].map(GROUP_OF).fillna("firm").to_numpy()
    mw = got["mw"].to_numpy(dtype=float)
    return keys, k_idx, a_idx, groups, mw


def compute(pic: Picture, adm: pd.DataFrame, costs: Costs) -> tuple[pd.DataFrame, dict]:
    """(per-area KPI table, totals) for the picture with its admission outcome."""
    w_n, _, a_n = pic.load_mw.shape
    keys, k_idx, a_idx, groups, mw = _admitted_mw(pic, adm)
    agg = pic.agg.astype(np.float64)
    # effective (delivered) per-MW shapes: window contracts keep only their firm part
    vshapes: list[np.ndarray] = []
    windowed_mwh = np.zeros(a_n)  # energy not delivered in fixed windows, per own area
    mw_v: list[np.ndarray] = []
    share = (
        adm.loc[adm["outcome"] == "admitted", "flexible_share"].astype(float).fillna(0.0)
        if "flexible_share" in adm
        else pd.Series(0.0, index=adm.index[adm["outcome"] == "admitted"])
    ).to_numpy()
    for k, (pc, d) in enumerate(keys):
        shape = pic.request_shape(pc, d).astype(np.float64)  # (W, T) signed
        plain = (k_idx == k) & ~np.isin(groups, ["tbtr", "cbc_t"])
        parts = [(shape, plain)]
        for g in ("tbtr", "cbc_t"):
            in_g = (k_idx == k) & (groups == g)
            for sh in np.unique(share[in_g]):
                sel = in_g & (share == sh)
                keep = window_keep(g, d, pic.terms, pic.calendar, float(sh))
                eff = shape * keep[None, :]
                lost = np.abs(shape - eff).sum() * STEP_H / w_n  # MWh per MW per year
                np.add.at(windowed_mwh, a_idx[sel], mw[sel] * lost)
                parts.append((eff, sel))
        for eff, sel in parts:
            if not sel.any():
                continue
            own = np.zeros(a_n)
            np.add.at(own, a_idx[sel], mw[sel])
            vshapes.append(eff)
            mw_v.append(agg @ own)  # MW counted in each area incl. below
    load = pic.load_mw
    if vshapes:
        shapes = np.stack(vshapes, axis=-1).astype(np.float32)  # (W, T, V)
        added = np.matmul(shapes, np.stack(mw_v, axis=0).astype(np.float32))  # (W, T, A)
        load = load + added

    # curtailable MW per key, aggregated, by direction of the connection
    def agg_mw(group_names: tuple[str, ...]) -> np.ndarray:
        out = np.zeros((len(keys), a_n))
        sel = np.isin(groups, group_names)
        own = np.zeros((len(keys), a_n))
        np.add.at(own, (k_idx[sel], a_idx[sel]), mw[sel])
        if sel.any():
            out = own @ agg.T
        return out

    nf_mw, lim_mw = agg_mw(("non_firm",)), agg_mw(("limit",))
    raw_shapes = [pic.request_shape(pc, d) for pc, d in keys]
    key_sign = np.array([1.0 if d == "offtake" else -1.0 for _, d in keys])
    cols: dict[str, np.ndarray] = {}
    zeros = lambda: np.zeros(a_n)  # noqa: E731
    for name in (
        "curtailment_mwh",
        "curtailment_hours",
        "curtailment_events",
        "flex_mwh",
        "flex_hours",
        "flex_events",
        "emergency_mwh",
        "emergency_calls",
        "eens_mwh",
        "eens_hours",
        "feedin_unserved_mwh",
        "overload_mwh",
        "shortage_hours",
        "limit_curtailed_mwh",
        "flex_activation_eur",
    ):
        cols[name] = zeros()
    for d, direction in enumerate(DIRS):
        sign = 1.0 if d == 0 else -1.0
        cap = pic.capacity_mw[:, d].astype(np.float32)
        mask = load > cap if d == 0 else load < -cap
        flat = np.flatnonzero(mask)
        w, rest_idx = np.divmod(flat, load.shape[1] * a_n)
        t, a = np.divmod(rest_idx, a_n)
        if len(w) == 0:
            continue
        dir_load = sign * load[w, t, a].astype(np.float64)
        short = dir_load - pic.capacity_mw[a, d]
        own_dir = key_sign == sign
        nf = np.zeros(len(w))
        lim = np.zeros(len(w))
        for k in np.flatnonzero(own_dir):
            s_k = sign * raw_shapes[k][w, t].astype(np.float64)
            nf += s_k * nf_mw[k, a]
            lim += s_k * lim_mw[k, a]
        c1 = np.minimum(np.maximum(nf, 0.0), short)
        rest = short - c1
        c2 = np.minimum(np.maximum(lim, 0.0), rest)
        rest = rest - c2
        fx = np.minimum(pic.flex.mw[a, d], rest)
        rest = rest - fx
        if pic.rule.emergency_share > 0:
            em = np.minimum(pic.rule.emergency_share * np.maximum(dir_load - c1 - c2, 0), rest)
        else:
            em = np.zeros(len(w))
        eens = rest - em
        sp = _Sparse(w * a_n + a, t, a, a_n, 1.0 / w_n)
        sp.add(cols, "shortage_hours", short, "hours")
        sp.add(cols, "curtailment_mwh", c1 + c2, "mwh")
        sp.add(cols, "limit_curtailed_mwh", c2, "mwh")
        sp.add(cols, "curtailment_hours", c1 + c2, "hours")
        sp.add(cols, "curtailment_events", c1 + c2, "events")
        sp.add(cols, "flex_mwh", fx, "mwh")
        sp.add(cols, "flex_hours", fx, "hours")
        sp.add(cols, "flex_events", fx, "events")
        sp.add(cols, "emergency_mwh", em, "mwh")
        sp.add(cols, "emergency_calls", em, "events")
        sp.add(cols, "overload_mwh", eens, "mwh")
        if direction == "offtake":  # energy not served: emergency curtailment + overload
            sp.add(cols, "eens_mwh", em + eens, "mwh")
            sp.add(cols, "eens_hours", em + eens, "hours")
        else:  # generation that cannot be fed in (curtailed in an emergency, or overload)
            sp.add(cols, "feedin_unserved_mwh", em + eens, "mwh")
        sp.add(cols, "flex_activation_eur", fx * pic.flex.activation_eur_per_mwh[a, d], "mwh")
    # ---------------------------------------------------------------- availability
    got = adm[adm["outcome"] == "admitted"]
    pos = {x: i for i, x in enumerate(pic.area_ids)}
    own_area = got["area_id"].map(pos).to_numpy()
    for direction in DIRS:
        sel = (got["direction"] == direction).to_numpy()
        cols[f"admitted_mw_{direction}"] = np.bincount(
            own_area[sel], weights=got["mw"].to_numpy()[sel], minlength=a_n
        )
    cols["admitted_requests"] = np.bincount(own_area, minlength=a_n).astype(float)
    firm = (got["contract"] == "firm").to_numpy()
    cols["admitted_mw_firm"] = np.bincount(
        own_area[firm], weights=got["mw"].to_numpy()[firm], minlength=a_n
    )
    cols["window_limited_mwh"] = windowed_mwh
    # ---------------------------------------------------------------- affordability
    terms = pic.terms
    tariff_eur_per_mw = terms.transport_tariff_eur_per_kw_yr * 1000.0
    contract_eur = np.zeros(a_n)
    for contract, group in (("tdtr", "tdtr"), ("tbtr", "tbtr"), ("non_firm", "non_firm")):
        sel = (got["contract"] == contract).to_numpy()
        contract_eur += np.bincount(
            own_area[sel], weights=got["mw"].to_numpy()[sel], minlength=a_n
        ) * (terms.discount[group] * tariff_eur_per_mw)
    fees = {
        "cbc_a": terms.cbc_a_availability_eur_per_mw_yr,
        "cbc_t": terms.cbc_t_availability_eur_per_mw_yr,
        "csc": terms.csc_availability_eur_per_mw_yr,
    }
    for contract, fee in fees.items():
        sel = (got["contract"] == contract).to_numpy()
        contract_eur += (
            np.bincount(own_area[sel], weights=got["mw"].to_numpy()[sel], minlength=a_n) * fee
        )
    # activation of limit contracts: limited MWh priced by the MW mix of the limit group
    lim_sel = np.isin(got["contract"].to_numpy(), ["tdtr", "cbc_a", "csc"])
    if lim_sel.any():
        mix = got[lim_sel].groupby("contract")["mw"].sum()
        total_mw = float(mix.sum())
        price = (
            mix.get("cbc_a", 0.0) * terms.cbc_a_activation_eur_per_mwh
            + mix.get("csc", 0.0) * terms.csc_activation_eur_per_mwh
        ) / total_mw
        contract_eur += cols["limit_curtailed_mwh"] * price
    flex_avail = pic.flex.availability_eur_per_yr.sum(axis=1)
    extra = np.zeros(a_n)
    for v in pic.extra_cost_eur.values():
        extra += v
    cols["flex_eur"] = flex_avail + cols["flex_activation_eur"]
    cols["contract_eur"] = contract_eur
    cols["measure_eur"] = extra
    cols["operator_cost_eur"] = cols["flex_eur"] + contract_eur + extra
    cols["societal_unserved_eur"] = (
        cols["eens_mwh"] * costs.value_of_lost_load_eur_per_mwh
        + cols["feedin_unserved_mwh"] * costs.feedin_spill_eur_per_mwh
    )
    del cols["limit_curtailed_mwh"]
    table = pd.DataFrame(cols)
    table.insert(0, "level", pic.region.areas["level"].to_numpy())
    table.insert(0, "area_id", pic.area_ids)
    # ---------------------------------------------------------------- totals
    roots = np.flatnonzero(pic.agg.sum(axis=0) == 1)  # areas counted only in themselves
    offtake_mwh = float(np.maximum(load[:, :, roots], 0).sum(dtype=np.float64)) * STEP_H / w_n
    total = {c: float(table[c].sum()) for c in table.columns if c not in ("area_id", "level")}
    admitted_mw = total["admitted_mw_offtake"] + total["admitted_mw_feedin"]
    total["admitted_mw"] = admitted_mw
    total["eur_per_mw_admitted"] = (
        total["operator_cost_eur"] / admitted_mw if admitted_mw > 0 else float("nan")
    )
    total["offtake_mwh"] = offtake_mwh
    total["tariff_eur_per_mwh"] = total["operator_cost_eur"] / offtake_mwh if offtake_mwh else 0.0
    total["tariff_eur_per_household_yr"] = (
        total["tariff_eur_per_mwh"] * costs.household_mwh_per_year
    )
    return table, total


def availability(pic: Picture, adm: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Only the availability KPIs (MW and requests admitted), per area and in total."""
    got = adm[adm["outcome"] == "admitted"]
    a_n = pic.n_areas
    pos = {x: i for i, x in enumerate(pic.area_ids)}
    own_area = got["area_id"].map(pos).to_numpy()
    mw = got["mw"].to_numpy(dtype=float)
    cols = {}
    for direction in DIRS:
        sel = (got["direction"] == direction).to_numpy()
        cols[f"admitted_mw_{direction}"] = np.bincount(
            own_area[sel], weights=mw[sel], minlength=a_n
        )
    cols["admitted_requests"] = np.bincount(own_area, minlength=a_n).astype(float)
    firm = (got["contract"] == "firm").to_numpy()
    cols["admitted_mw_firm"] = np.bincount(own_area[firm], weights=mw[firm], minlength=a_n)
    table = pd.DataFrame(cols)
    table.insert(0, "level", pic.region.areas["level"].to_numpy())
    table.insert(0, "area_id", pic.area_ids)
    total = {c: float(table[c].sum()) for c in cols}
    total["admitted_mw"] = total["admitted_mw_offtake"] + total["admitted_mw_feedin"]
    return table, total
