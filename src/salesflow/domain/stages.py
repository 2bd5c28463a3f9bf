"""Rules about a pipeline's stages."""

from __future__ import annotations

from collections.abc import Sequence


def qualifying_index(open_stages: Sequence[tuple[str, int | None]]) -> int:
    """Which open stage (index into the pipeline's open stages, in order, as `(key, min_score)`)
    makes a lead qualified, i.e. an opportunity: the stage keyed `qualified`, else the first stage
    with a score gate, else the second open stage (the first in a one-stage pipeline).

    `report kpis` counts qualified leads by entry into it and `score` calls a deal that reached it
    an opportunity: one rule for both."""
    if not open_stages:
        raise ValueError("a pipeline has at least one open stage")
    keys = [key for key, _ in open_stages]
    if "qualified" in keys:
        return keys.index("qualified")
    gated = next((i for i, (_, gate) in enumerate(open_stages) if gate is not None), None)
    if gated is not None:
        return gated
    return 1 if len(open_stages) > 1 else 0
