"""Working hours for the demo: when things happen in a sales team's week. Leads come in and
work is done on weekdays in local working hours (8:00 to 18:00), stored as naive UTC."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from salesflow.services.demo.world import SPAN_DAYS, whole


class WorkingHours:
    """Moments in working hours, drawn from the build's random source (`rng`), never after
    `now`; `shift` turns UTC into local time."""

    rng: random.Random
    now: datetime
    shift: timedelta

    def at_work(self, day: date) -> datetime:
        """A random moment of local working hours (8:00 to 18:00) on `day`, as naive UTC."""
        start = datetime(day.year, day.month, day.day, 8) - self.shift
        return start + timedelta(seconds=int(self.rng.random() * 36000))

    def created_at(self) -> datetime:
        """A weekday in the past nine months, more of them recent (the team grew)."""
        day = (self.now + self.shift).date() - timedelta(
            days=int(SPAN_DAYS * self.rng.random() ** 1.2)
        )
        if day.weekday() >= 5:  # a weekend lead came in on Friday
            day -= timedelta(days=day.weekday() - 4)
        moment = self.at_work(day)
        while moment > self.now:
            moment -= timedelta(days=1)
        return moment

    def working_time(self, after: datetime, days: float) -> datetime:
        """About `days` after `after`, in working hours on a weekday, and always later."""
        day = (after + self.shift + timedelta(days=days)).date()
        if day.weekday() >= 5:
            day += timedelta(days=7 - day.weekday())
        moment = self.at_work(day)
        if moment <= after:  # the same day, and that hour has passed: a little later
            moment = after + timedelta(minutes=whole(self.rng, 20, 180))
        return moment

    def done_time(self, due: date, made: datetime) -> datetime:
        """When a follow-up due on `due` was ticked off: that day, never before it existed."""
        return min(self.now, max(made + timedelta(hours=1), self.at_work(due)))
