"""Priority order of the queue under the ACM prioritisation framework (December 2025).

Category 1 congestion relievers first, then 2 safety, then 3 basic needs, then everyone else
first-come-first-served. Within a category: submitted date, then request id (deterministic).
"""

from __future__ import annotations

import pandas as pd

CATEGORY_RANK = {"relief": 0, "safety": 1, "basic": 2, "other": 3}


def priority_order(queue: pd.DataFrame) -> pd.DataFrame:
    """The queue sorted in admission order, with a 1-based `priority` column."""
    if queue.empty:
        return queue.assign(priority=pd.Series(dtype="int64"))
    ranked = queue.assign(_rank=queue["category"].map(CATEGORY_RANK).astype(int))
    ranked = ranked.sort_values(["_rank", "submitted", "request_id"], kind="stable")
    ranked = ranked.drop(columns="_rank").reset_index(drop=True)
    ranked["priority"] = range(1, len(ranked) + 1)
    return ranked
