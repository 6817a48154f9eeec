"""Market: regional flex tenders (need, bids, clearing, scorecards), budget above the financial
floor, and the top-50 ranking of large connections."""
