"""Deals and what happens to them: stage moves (immutable history), close outcomes, edits."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, DateTime, Index, text
from sqlmodel import Field

from salesflow.domain.deals import DealStatus
from salesflow.models.base import TableModel


class Deal(TableModel, table=True):
    """An opportunity moving through a pipeline. `version` guards against lost updates."""

    __tablename__ = "deals"
    __table_args__ = (
        # a stage's open deals in the board's order (close date, undated last, id): a board
        # page is an index walk; it serves every lookup by status, pipeline and stage too
        Index(
            "ix_deals_board_order",
            "status",
            "pipeline_id",
            "stage_id",
            text("(close_by IS NULL)"),
            "close_by",
            "id",
        ),
        Index("ix_deals_owner_status", "owner", "status"),
        # covering indexes for the funnel: open deals per stage, and deals per currency
        Index(
            "ix_deals_funnel_open",
            "status",
            "pipeline_id",
            "currency",
            "stage_id",
            "owner",
            "value_minor",
        ),
        Index("ix_deals_pipeline_currency_owner", "pipeline_id", "currency", "owner"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str
    company_id: int | None = Field(default=None, foreign_key="companies.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contacts.id", index=True)
    owner: str
    source: str | None = None
    value_minor: int = Field(default=0, sa_type=BigInteger)  # minor units up to MAX_MINOR (10**15)
    currency: str = Field(max_length=3)
    close_by: date | None = None
    pipeline_id: int = Field(foreign_key="pipelines.id")
    stage_id: int = Field(foreign_key="stages.id")
    status: str = Field(default=DealStatus.OPEN, max_length=8)  # open | won | lost
    created_at: datetime = Field(sa_type=DateTime)
    updated_at: datetime = Field(sa_type=DateTime)
    version: int = 1
    upsell_of_id: int | None = Field(default=None, foreign_key="deals.id")  # expansion deals
    product_id: int | None = Field(default=None, foreign_key="products.id")  # the main product
    external_id: str | None = Field(default=None, index=True)  # id in the system it came from


class StageMove(TableModel, table=True):
    """One entry of a deal's stage history; never deleted, and what it records never changes.

    The first move of a deal has no `from_stage_id`: the deal was created in `to_stage_id`.

    Each move also begins a *stay* in `to_stage_id`. The stay columns (`left_at` and after) are
    derived from the deal's history, so the funnel reads each stay as one index entry instead of
    replaying every deal's history; `db.stays` keeps them up to date at the end of each write
    transaction (NULL `deal_currency` marks a move not derived yet).
    """

    __tablename__ = "stage_moves"
    __table_args__ = (
        Index("ix_stage_moves_deal_at", "deal_id", "at"),
        # the stays of one stage (and currency) at a time, by length: covers the funnel, and
        # serves whatever looks moves up by stage (it replaced ix_stage_moves_to_stage_at)
        Index(
            "ix_stage_moves_funnel",
            "to_stage_id",
            "deal_currency",
            "stay_seconds",
            "at",
            "left_at",
            "furthest_after",
            "reentry",
            "deal_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id")
    from_stage_id: int | None = Field(default=None, foreign_key="stages.id")
    to_stage_id: int = Field(foreign_key="stages.id")
    at: datetime = Field(sa_type=DateTime)
    by: str
    note: str | None = None
    forced: bool = False
    regression: bool = False
    # the stay this move began (derived, see above)
    left_at: datetime | None = Field(default=None, sa_type=DateTime)  # next move; None: still in
    stay_seconds: int | None = None  # left_at - at, in whole seconds
    furthest_after: int | None = None  # position of the furthest stage reached after the stay:
    # the highest open stage entered later, or the won stage while the deal is won
    reentry: bool | None = None  # the deal had been in this stage before
    deal_currency: str | None = Field(default=None, max_length=3)  # the deal's, for the funnel


class CloseOutcome(TableModel, table=True):
    """How a deal closed: won with an amount, or lost with a reason (and maybe a competitor)."""

    __tablename__ = "close_outcomes"
    __table_args__ = (
        Index("ix_close_outcomes_closed_on", "closed_on"),
        # covering index for the funnel's won and lost: outcomes that still stand, per currency
        Index(
            "ix_close_outcomes_standing",
            "reopened_at",
            "currency",
            "outcome",
            "deal_id",
            "closed_on",
            "amount_minor",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", index=True)
    outcome: str = Field(max_length=4)  # won | lost
    amount_minor: int = Field(default=0, sa_type=BigInteger)
    currency: str = Field(max_length=3)
    reason: str | None = None
    competitor: str | None = None
    note: str | None = None
    from_stage_id: int | None = Field(default=None, foreign_key="stages.id")
    closed_on: date
    at: datetime = Field(sa_type=DateTime)
    by: str
    reopened_at: datetime | None = Field(
        default=None, sa_type=DateTime
    )  # set when the deal is reopened; the row stays


class DealChange(TableModel, table=True):
    """The change log: one edited field of a deal, old → new, who and when."""

    __tablename__ = "deal_changes"

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", index=True)
    field: str
    old: str | None = None
    new: str | None = None
    at: datetime = Field(sa_type=DateTime)
    by: str
