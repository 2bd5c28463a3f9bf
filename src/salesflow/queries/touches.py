"""A deal's last touch, its next step and when it rots: the facts `stale` and the board share.

The last touch of an open deal is the later of its last stage move and its last activity; it
rots when its stage has `rot_days` and that touch came before local midnight `rot_days` days ago
(Pipedrive's rule, see `services.followups.stale`); it has a next step while it has an open
follow-up.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import LiteralString

from salesflow.clock import start_of_day_utc, today

# A deal's last move and last activity (columns `moved` and `acted` of a row over `d`), and
# its last touch: the later of the two (over `t`, a row holding them).
MOVED_ACTED: LiteralString = """
         (SELECT max(m.at) FROM stage_moves m WHERE m.deal_id = d.id) AS moved,
         (SELECT max(a.at) FROM activities a WHERE a.deal_id = d.id) AS acted"""
LAST_TOUCH: LiteralString = (
    "CASE WHEN t.acted IS NOT NULL AND t.acted > t.moved THEN t.acted ELSE t.moved END"
)
# Whether deal `d` has a next step: an open follow-up.
HAS_NEXT_STEP: LiteralString = (
    "EXISTS (SELECT 1 FROM follow_ups f WHERE f.deal_id = d.id AND f.done_at IS NULL)"
)


def rot_threshold(rot_days: int) -> datetime:
    """A deal of a stage with `rot_days` rots when last touched before this moment: local
    midnight `rot_days` days ago, as UTC (so more than `rot_days` whole days have passed)."""
    return start_of_day_utc(today() - timedelta(days=rot_days))
