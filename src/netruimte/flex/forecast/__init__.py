"""Forecasts of the flex expectation: day-ahead flexradar (quantile model) and monthly outlook.

Modules: `data` (read measured load + weather), `features` (what is known at D-1 06:00 UTC),
`model` (train/predict LightGBM quantiles), `flexradar` (quantiles -> P(congestion), expected
shortage), `dayahead` (one call for an area), `backtest` and `metrics` (the shared protocol),
`monthly` (the coming month's probabilities).
"""
