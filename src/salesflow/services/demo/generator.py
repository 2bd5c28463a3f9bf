"""The demo generator: the rows of a believable, reproducible sales team's last nine months.

`build_demo` fills an empty database with companies, contacts, deals in the default pipeline,
each deal's whole stage history (with its stay columns, see `db.stays`), close outcomes and
follow-ups. Everything is drawn from one `random.Random(seed)` and every date counts back from
the clock, so the same size, seed and `SALESFLOW_NOW` give the same rows, ids included. This
module walks the deals through the pipeline (stage history, outcomes, follow-ups); the customers
come from `parties.py`, the moments from `working_hours.py`, the odds and names from `world.py`.

It doubles as the benchmark data generator (`demo --size 1000000`), so rows go in through the
import's fast path (`db.batch`: tuples in the driver's stored form, with ids assigned here, a
chunk of deals at a time, SQLite's plain indexes set aside and made again at the end), never as
ORM objects one by one. Memory stays small: what every deal needs of the whole build (when each
was created, its company) is held in arrays, and a chunk's rows are gone once inserted.
"""

from __future__ import annotations

import math
import random
from array import array
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from salesflow.clock import now_local, now_utc, to_local, today
from salesflow.compact import DigestSet
from salesflow.db.batch import Batch, restore_indexes, set_aside_indexes
from salesflow.db.bulk import StoredForm, sync_sequences
from salesflow.db.stays import stay_columns
from salesflow.domain.deals import DealStatus, StageKind
from salesflow.errors import InvalidInput
from salesflow.models import CloseOutcome, Company, Contact, Deal, FollowUp, StageMove
from salesflow.services.deals.pipelines import get_pipeline, stages_of
from salesflow.services.demo.parties import Parties
from salesflow.services.demo.working_hours import WorkingHours
from salesflow.services.demo.world import (
    ADVANCE,
    CHUNK,
    COMPETITORS,
    COUNTRIES,
    EUR_SHARE,
    LOST_REASON_CHOICE,
    MEDIAN_DAYS,
    OFFERINGS,
    OPEN_TASKS_CHOICE,
    REGRESSION,
    REPS,
    SEAT_PRICES,
    SOURCE_CHOICE,
    SOURCES,
    STALL,
    TASK_TEXTS,
    Account,
    Accounts,
    Step,
    at_microsecond,
    deal_value,
    microseconds,
    whole,
)
from salesflow.words import plural

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session


def build_demo(*, size: int, seed: int, session: Session) -> str:
    """Fill an empty database with `size` demo deals; returns a one-line summary."""
    from sqlmodel import select

    if size < 1:
        raise InvalidInput("the demo needs at least one deal")
    if session.exec(select(Deal.id).limit(1)).first() is not None:
        raise InvalidInput(
            "the database already holds deals; the demo only fills an empty one",
            hint="give the demo a fresh file: `salesflow --db demo2.db demo`",
        )
    pipeline = get_pipeline(None, session=session)
    assert pipeline.id is not None
    stages = stages_of(pipeline.id, session=session)
    demo = _Demo(
        rng=random.Random(seed),
        session=session,
        pipeline_id=pipeline.id,
        steps=[Step.of(s) for s in stages if s.is_open],
        won=Step.of(next(s for s in stages if s.kind == StageKind.WON)),
        lost=Step.of(next(s for s in stages if s.kind == StageKind.LOST)),
    )
    return demo.build(size)


class _Demo(Parties, WorkingHours):
    """One demo build: the random source, the clock, the next ids and the rows on their way."""

    def __init__(
        self,
        *,
        rng: random.Random,
        session: Session,
        pipeline_id: int,
        steps: list[Step],
        won: Step,
        lost: Step,
    ) -> None:
        from sqlmodel import func, select

        self.rng = rng
        self.conn: Connection = session.connection()
        self.pipeline_id, self.steps, self.won, self.lost = pipeline_id, steps, won, lost
        self.open_positions = {s.id: s.position for s in steps}
        self.now, self.day = now_utc(), today()
        self.shift = now_local().utcoffset() or timedelta(0)  # UTC → local, for working hours
        self.next_id = {
            model: (session.exec(select(func.max(model.id))).one() or 0) + 1
            for model in (Company, Contact, Deal, StageMove, CloseOutcome, FollowUp)
        }
        self.first_company = self.next_id[Company]
        # names are drawn unique as spelled (the draws, and so every demo, stay as they were);
        # the keys stored are unique too (two drawn names may name one company)
        self.used_names = DigestSet(str(n).lower() for n in session.exec(select(Company.name)))
        self.used_keys = DigestSet(str(n) for n in session.exec(select(Company.name_key)))
        self.used_emails = DigestSet(str(e) for e in session.exec(select(Contact.email)) if e)
        self.skill: dict[str, float] = {}
        self.form = StoredForm.of(self.conn)
        self.batch = Batch()

    def take_id(self, model: Any) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def build(self, size: int) -> str:
        rng = self.rng
        reps = REPS[: rng.choice((4, 5, 5, 6))]
        rep_weight = [rng.uniform(0.7, 1.3) for _ in reps]
        self.skill = {r: rng.uniform(0.88, 1.12) for r in reps}
        companies = Accounts()
        for _ in range(max(1, round(size / 3))):
            companies.append(self.company(rng.choices(reps, weights=rep_weight)[0]))
        self.used_names = DigestSet()  # every name is drawn
        # every company gets a deal; the rest go mostly to a few busy accounts
        n = len(companies)
        company_of = array("l", range(n))
        company_of.extend(min(n - 1, int(n * rng.random() ** 1.3)) for _ in range(size - n))
        rng.shuffle(company_of)
        # ids follow creation order
        created = array("q", sorted(microseconds(self.created_at()) for _ in range(size)))
        unset = -(2**63)  # below any moment (the smallest a signed 64-bit array holds)
        first_deal = array("q", [unset]) * n
        for when, c in zip(created, company_of, strict=True):
            if first_deal[c] == unset:
                first_deal[c] = when
        # set aside while the rows go in (SQLite), made again at the end
        tables = (Company, Contact, Deal, StageMove, CloseOutcome, FollowUp)
        held = {m: self.next_id[m] - 1 for m in tables}
        indexes = set_aside_indexes(self.conn, held, size)
        self.insert_parties(companies, first_deal)
        del first_deal
        self.used_keys, self.used_emails = DigestSet(), DigestSet()

        owners: set[str] = set()
        for start in range(0, size, CHUNK):
            for i in range(start, min(size, start + CHUNK)):
                company = companies[company_of[i]]
                owner = company.owner if rng.random() < 0.85 else rng.choice(reps)
                owners.add(owner)
                self.deal(company_of[i], company, owner, at_microsecond(created[i]))
            self.flush()
        restore_indexes(self.conn, indexes)
        sync_sequences(self.conn, self.next_id)
        return (
            f"{plural(size, 'deal')}, {plural(n, 'company', 'companies')}, "
            f"{plural(len(owners), 'rep')}"
        )

    # --- deals ------------------------------------------------------------------------------

    def deal(self, index: int, company: Account, owner: str, created: datetime) -> None:
        """One deal, walked through the pipeline stage by stage up to now."""
        rng, steps = self.rng, self.steps
        deal_id = self.take_id(Deal)
        source = SOURCE_CHOICE.pick(rng)
        _, lift, pace = SOURCES[source]
        lift *= self.skill[owner]
        eurozone = COUNTRIES[company.country][4]
        currency = "EUR" if eurozone and rng.random() < EUR_SHARE else "USD"
        value_minor = deal_value(rng, company.employees) * 100
        seats = max(5, round(value_minor / 100 / rng.choice(SEAT_PRICES) / 5) * 5)
        offering = rng.choice(OFFERINGS).format(n=seats)
        close_by = None
        if rng.random() < 0.85:
            close_by = (created + timedelta(days=whole(rng, 45, 120))).date()

        moves: list[tuple[int | None, int, datetime, bool]] = [(None, steps[0].id, created, False)]
        at, position, regressed, status = created, 0, False, DealStatus.OPEN
        while True:
            median = MEDIAN_DAYS[min(position, len(MEDIAN_DAYS) - 1)] * pace
            leaving = self.working_time(at, rng.lognormvariate(math.log(median), 0.65))
            if leaving > self.now:
                break  # still in this stage today
            self.done_playbook(deal_id, owner, steps[position], at, leaving)
            here, at = steps[position], leaving
            if position >= 2 and not regressed and rng.random() < REGRESSION:
                regressed, position = True, position - 1
                moves.append((here.id, steps[position].id, at, True))
                continue
            if rng.random() < min(0.95, ADVANCE[min(position, len(ADVANCE) - 1)] * lift):
                if position == len(steps) - 1:
                    status = DealStatus.WON
                    moves.append((here.id, self.won.id, at, False))
                    break
                position += 1
                moves.append((here.id, steps[position].id, at, False))
            elif rng.random() < STALL:
                break  # nobody moved it on or closed it: an open deal going stale
            else:
                status = DealStatus.LOST
                moves.append((here.id, self.lost.id, at, False))
                break

        stamp, false, true = self.form.stamp, self.form.false, self.form.true
        stays = stay_columns(
            [(to_id, moved_at) for _, to_id, moved_at, _ in moves], self.open_positions,
            won_position=self.won.position if status == DealStatus.WON else None, currency=currency,
        )  # fmt: skip
        stored = [stamp(moved_at) for _, _, moved_at, _ in moves]  # a stay is left at the next
        move_id = self.next_id[StageMove]
        for i, ((from_id, to_id, _, back), (left, seconds, furthest, again, _)) in enumerate(
            zip(moves, stays, strict=True)
        ):
            self.batch.moves.append((
                move_id + i, deal_id, from_id, to_id, stored[i], owner, None, false,
                true if back else false, None if left is None else stored[i + 1], seconds,
                furthest, true if again else false, currency,
            ))  # fmt: skip
        self.next_id[StageMove] = move_id + len(moves)
        last_at = moves[-1][2]
        self.batch.deals.append((
            deal_id, f"{company.short} {offering}", self.first_company + index,
            rng.choice(range(company.first_contact, company.first_contact + company.contacts)),
            owner, source, value_minor, currency, self.form.day(close_by), self.pipeline_id,
            moves[-1][1], status, stored[0], stored[-1], len(moves), None, None, None,
        ))  # fmt: skip
        if status == DealStatus.OPEN:
            self.open_follow_ups(deal_id, owner, steps[position], last_at)
        else:
            self.close(deal_id, owner, status, steps[position], value_minor, currency, last_at)

    def close(
        self,
        deal_id: int,
        owner: str,
        outcome: str,
        from_step: Step,
        value_minor: int,
        currency: str,
        at: datetime,
    ) -> None:
        """The close outcome; a win also gets the won stage's onboarding follow-ups."""
        rng = self.rng
        closed_on = to_local(at).date()
        reason = competitor = None
        amount = value_minor
        if outcome == DealStatus.WON:
            if rng.random() < 0.4:  # a discount, or a few more seats at signature
                amount = round(value_minor * rng.uniform(0.85, 1.08) / 10000) * 10000
            for text, days in self.won.playbook:
                due = closed_on + timedelta(days=days)
                # long past ones were done; the last fortnight's are half done, half overdue
                recent = due >= self.day - timedelta(days=14)
                done = due < self.day and (not recent or rng.random() < 0.5)
                done_at = self.done_time(due, at) if done else None
                self.follow_up(deal_id, owner, text, due, at, done_at, playbook=self.won.id)
        else:
            where = from_step.position
            reason = LOST_REASON_CHOICE[
                "early" if where < 2 else "late" if where >= 4 else "mid"
            ].pick(rng)
            if reason == "competitor" or (reason == "price" and rng.random() < 0.3):
                competitor = rng.choice(COMPETITORS)
        self.batch.outcomes.append((
            self.take_id(CloseOutcome), deal_id, outcome, amount, currency, reason, competitor,
            None, from_step.id, self.form.day(closed_on), self.form.stamp(at), owner, None,
        ))  # fmt: skip

    # --- follow-ups -------------------------------------------------------------------------

    def done_playbook(
        self, deal_id: int, owner: str, step: Step, entered: datetime, left: datetime
    ) -> None:
        """The stage's playbook follow-ups of a finished stay, mostly ticked off in time."""
        for text, days in step.playbook:
            if self.rng.random() < 0.7:
                done_at = entered + (left - entered) * self.rng.uniform(0.2, 0.9)
                due = (entered + self.shift).date() + timedelta(days=days)
                self.follow_up(deal_id, owner, text, due, entered, done_at.replace(microsecond=0),
                               playbook=step.id)  # fmt: skip

    def open_follow_ups(self, deal_id: int, owner: str, step: Step, entered: datetime) -> None:
        """Up to two open follow-ups on an open deal: some overdue, some due today, most ahead."""
        rng = self.rng
        texts = [t for t, _ in step.playbook] + list(TASK_TEXTS.get(step.key, TASK_TEXTS[""]))
        entered_day = (entered + self.shift).date()
        for n in range(int(OPEN_TASKS_CHOICE.pick(rng))):
            text = texts[0] if n == 0 else rng.choice(texts[1:])
            roll = rng.random()
            if roll < 0.3:
                due = self.day - timedelta(days=whole(rng, 1, 12))
            elif roll < 0.45:
                due = self.day
            else:
                due = self.day + timedelta(days=whole(rng, 1, 21))
            made = entered if n == 0 else entered + (self.now - entered) * rng.random()
            repeat = "weekly" if n == 1 and rng.random() < 0.08 else None
            playbook = step.id if any(text == t for t, _ in step.playbook) else None
            self.follow_up(deal_id, owner, text, max(due, entered_day),
                           made.replace(microsecond=0), None, repeat, playbook)  # fmt: skip

    def follow_up(
        self,
        deal_id: int,
        owner: str,
        text: str,
        due: date,
        made: datetime,
        done_at: datetime | None,
        repeat: str | None = None,
        playbook: int | None = None,
    ) -> None:
        """One follow-up row; `playbook` is the stage whose `on_enter` made it (as
        `playbooks.run_on_enter` marks it)."""
        form = self.form
        self.batch.follow_ups.append((
            self.take_id(FollowUp), deal_id, text, form.day(due), owner, repeat,
            None if done_at is None else form.stamp(done_at), form.stamp(made), owner, playbook,
            None if done_at is None else "done",
        ))  # fmt: skip

    # --- writing ----------------------------------------------------------------------------

    def flush(self) -> None:
        """Insert the rows waiting (`db.batch.Batch.insert`, parents first) and start anew."""
        self.batch.insert(self.conn)
        self.batch = Batch()
