"""The breakthroughs as measures: each transforms the picture and reports its effect in KPIs.

Modules: params (the scenario's `measures` section), picture (what a measure acts on),
risk_appetite, prognosis, contracts, flex_norm (one per breakthrough), framework (sets in
sequence, evaluation), kpis, attribution (Shapley), stage (the `netruimte run` stage).
"""
