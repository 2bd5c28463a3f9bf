"""companies.name_key holds the company key (accents, case, punctuation, legal form dropped)

`lead add` looked companies up by the lower-cased name while the imports matched by the company
key, so `lead add --company "ACME, Inc."` made a second Acme. Every writer now stores
`salesflow.domain.companies.company_key(name)`; this recomputes it for the companies already
there. Two companies already apart whose keys now agree stay apart (merging is a user's call): the
later one's key is padded, as the writers do, so the unique index holds.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 19:05:00.000000
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# A frozen copy of `salesflow.domain.companies.company_key` at this revision.
_LEGAL_FORMS = {
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "gmbh", "corp", "corporation",
    "co", "company", "plc", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "ag", "oy", "ab", "as",
    "pty", "pvt", "kk", "kg",
}


def _company_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[0-9a-z]+", text)
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    return " ".join(words) or name.strip().lower()


def _rekey(key_of) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, name FROM companies ORDER BY id")).all()
    if not rows:
        return
    # first out of the way of each other (unique index), then the new keys
    conn.execute(sa.text("UPDATE companies SET name_key = '#' || CAST(id AS VARCHAR)"))
    taken: set[str] = set()
    values = []
    for company_id, name in rows:
        key = key_of(name)
        while key in taken:
            key += " "
        taken.add(key)
        values.append({"id": company_id, "key": key})
    conn.execute(sa.text("UPDATE companies SET name_key = :key WHERE id = :id"), values)


def upgrade() -> None:
    _rekey(_company_key)


def downgrade() -> None:
    _rekey(lambda name: name.lower())
