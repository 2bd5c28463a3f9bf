"""The domain as SQLModel tables: pipelines and stages, companies and contacts, deals, their
stage history, follow-ups, close outcomes and the change log.

Table models skip validation; input is validated through the non-table models in `schemas`.
Importing this package registers every table on `SQLModel.metadata` (Alembic's target).
"""

from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from salesflow.models.activity import Activity  # noqa: E402
from salesflow.models.cadence import Cadence, CadenceRun  # noqa: E402
from salesflow.models.catalogue import BundleItem, Product  # noqa: E402
from salesflow.models.customer import Contract, Feedback  # noqa: E402
from salesflow.models.deal import CloseOutcome, Deal, DealChange, StageMove  # noqa: E402
from salesflow.models.followup import FollowUp  # noqa: E402
from salesflow.models.party import Company, Contact  # noqa: E402
from salesflow.models.pipeline import Pipeline, Stage  # noqa: E402
from salesflow.models.quote import Quote, QuoteLine  # noqa: E402
from salesflow.models.scoring import ScoringRule  # noqa: E402
from salesflow.models.team import Team, TeamMember  # noqa: E402
from salesflow.models.written import WrittenFile  # noqa: E402

__all__ = [
    "Activity",
    "BundleItem",
    "Cadence",
    "CadenceRun",
    "CloseOutcome",
    "Company",
    "Contact",
    "Contract",
    "Deal",
    "DealChange",
    "Feedback",
    "FollowUp",
    "Pipeline",
    "Product",
    "Quote",
    "QuoteLine",
    "SQLModel",
    "ScoringRule",
    "Stage",
    "StageMove",
    "Team",
    "TeamMember",
    "WrittenFile",
]
