"""Non-table models that validate input before it becomes a row (table models do not validate).

Each builds its validator on first use (`defer_build`): a command uses one or two of them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
    model_validator,
)

from salesflow.domain import inputs

# The rules are in `domain.inputs`, shared with the imports: here they only become field types.
Text = Annotated[str, AfterValidator(inputs.text)]
RepName = Annotated[str, AfterValidator(inputs.rep_name)]
Email = Annotated[str, AfterValidator(inputs.email)]
Currency = Annotated[str, AfterValidator(inputs.currency)]
Repeat = Annotated[str, AfterValidator(inputs.repeat)]
ActivityType = Annotated[str, AfterValidator(inputs.activity_type)]
FreeText = Annotated[str, AfterValidator(inputs.free_text)]  # notes and summaries
Key = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
]
REPEATS = inputs.REPEATS
OUTCOME_KEYS = ("won", "lost")  # what `advance --to won` reads as an outcome: no open stage


class LeadCreate(BaseModel):
    """A new lead: the deal plus the company and contact it is about."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    title: Text
    company: Text | None = None
    contact: Text | None = None
    email: Email | None = None
    phone: Text | None = None
    job_title: Text | None = None
    source: Text | None = None
    value_minor: int = Field(default=0, ge=0)
    currency: Currency
    owner: RepName
    close_by: date | None = None
    created_on: date | None = None  # a deal that started before today (`lead add --created`)
    industry: Text | None = None
    employees: int | None = Field(default=None, ge=0)
    country: Text | None = None


class DealEdit(BaseModel):
    """Fields `edit` may change; None means leave as is."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    title: Text | None = None
    value: Decimal | None = Field(default=None, ge=0)
    currency: Currency | None = None
    owner: RepName | None = None
    close_by: date | None = None
    source: Text | None = None


class FollowUpCreate(BaseModel):
    """A follow-up as typed: text, due day, owner and an optional repeat."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    text: Text
    due: date
    owner: RepName
    repeat: Repeat | None = None


class SpecError(ValueError):
    """A file's validation error that names the field it is about, so the message can give the
    line (a whole-file check would otherwise point at no line)."""

    def __init__(self, message: str, loc: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.loc = loc


class PlaybookStep(BaseModel):
    """An `on_enter` rule: a follow-up created when a deal enters the stage. It is closed when
    the deal leaves the stage, unless `keep` is true."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    text: Text
    due: str = "+0d"
    owner: RepName | None = None
    keep: StrictBool | None = None

    @field_validator("due")
    @classmethod
    def _due(cls, value: str) -> str:
        from salesflow.errors import InvalidInput
        from salesflow.parsing.dates import parse_date

        try:
            parse_date(value, today=date(2000, 1, 3))
        except InvalidInput as exc:
            raise ValueError(exc.message) from None
        return value


class CollateralItem(BaseModel):
    """Sales material for a stage: a title and a path or link."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    title: Text
    link: Text


class StageSpec(BaseModel):
    """One open stage of a pipeline file."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    key: Key
    name: Text
    probability: float = Field(ge=0, le=1)
    rot_days: int | None = Field(default=None, ge=1)
    min_score: int | Literal["mql", "sql"] | None = None  # a number, or a pipeline threshold
    requires_quote: bool = False
    on_enter: list[PlaybookStep] = Field(default_factory=list)
    collateral: list[CollateralItem] = Field(default_factory=list)
    # forecast category; default: commit from `proposal` on, best_case from `demo` on (or, in a
    # pipeline without those keys, by probability: 0.70 and up commit, 0.45 and up best case)
    forecast: Literal["commit", "best_case", "pipeline"] | None = None

    @field_validator("key")
    @classmethod
    def _not_an_outcome(cls, key: str) -> str:
        if key in OUTCOME_KEYS:
            raise ValueError(
                f"{key!r} names an outcome, not an open stage: give the stage another key"
            )
        return key


class OutcomeSpec(BaseModel):
    """The won or lost outcome of a pipeline file."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    key: Key
    name: Text
    on_enter: list[PlaybookStep] = Field(default_factory=list)
    collateral: list[CollateralItem] = Field(default_factory=list)


class PipelineSpec(BaseModel):
    """A whole pipeline file: name, thresholds, open stages, won and lost."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: Key
    mql: int | None = Field(default=None, ge=0)  # scores are sums of points: no upper bound
    sql: int | None = Field(default=None, ge=0)
    stages: list[StageSpec] = Field(min_length=1)
    won: OutcomeSpec = Field(default_factory=lambda: OutcomeSpec(key="won", name="Closed Won"))
    lost: OutcomeSpec = Field(default_factory=lambda: OutcomeSpec(key="lost", name="Closed Lost"))

    @field_validator("stages")
    @classmethod
    def _unique_keys(cls, stages: list[StageSpec]) -> list[StageSpec]:
        seen: set[str] = set()
        for stage in stages:
            if stage.key in seen:
                raise ValueError(f"stage key {stage.key!r} appears twice")
            seen.add(stage.key)
        return stages

    @model_validator(mode="after")
    def _outcome_keys(self) -> PipelineSpec:
        """Outcome keys must not collide with open stage keys."""
        for stage in self.stages:
            for kind, outcome in (("won", self.won), ("lost", self.lost)):
                if stage.key == outcome.key:
                    raise SpecError(
                        f"outcome key {outcome.key!r} is also an open stage", (kind, "key")
                    )
        if self.won.key == self.lost.key:
            raise SpecError("won and lost need different keys", ("lost", "key"))
        if self.mql is not None and self.sql is not None and self.sql < self.mql:
            raise SpecError(
                f"sql ({self.sql}) is below mql ({self.mql}): a sales-qualified lead scores at "
                "least as much as a marketing-qualified one",
                ("sql",),
            )
        for stage in self.stages:
            if isinstance(stage.min_score, str) and getattr(self, stage.min_score) is None:
                raise ValueError(
                    f"stage {stage.key!r} gates on {stage.min_score!r}, which the file does not set"
                )
        return self
