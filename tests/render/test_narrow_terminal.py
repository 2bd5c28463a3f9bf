"""Tables on a narrow terminal: amounts, dates and ids are never cut; text folds; the least
important columns are hidden, and the table says which."""

from __future__ import annotations

import re

import pytest

TITLE = "Enterprise platform rollout for the whole northern region"
COMPANY = "Consolidated International Holdings"
OWNER = "Maximiliana Featherstonehaugh"


@pytest.fixture
def wide_data(cli):
    for args in (
        (TITLE, "--company", COMPANY, "--value", "19000000", "--close-by", "2026-12-15",
         "--owner", OWNER),
        ("Small", "--company", "X", "--value", "5", "--close-by", "2027-01-31"),
    ):  # fmt: skip
        assert cli("lead", "add", *args).exit_code == 0
    assert cli("task", "add", "1", "Call the procurement lead about the contract review",
               "--due", "2026-11-20").exit_code == 0  # fmt: skip


def on_screen(cli, width, *args):
    run = cli("--color", "always", *args, env={"COLUMNS": str(width), "SALESFLOW_PAGER": "0"})
    assert run.exit_code == 0, run.stderr
    text = re.sub(r"\x1b\[[0-9;]*m", "", run.stdout)
    assert max(len(line) for line in text.splitlines()) <= width
    assert not re.search(r"\d…|…\d", text), text  # no amount, date or id cut short
    return text


@pytest.mark.parametrize("width", [80, 60])
def test_lead_list_keeps_amounts_dates_and_ids_whole(cli, wide_data, width):
    text = on_screen(cli, width, "lead", "list")
    for whole in ("19,000,000.00 USD", "5.00 USD", "│  1 │", "│  2 │"):
        assert whole in text
    assert "platform" in text and "region" in text  # the title folds, all of it there
    words = " ".join(text.split())
    if width == 80:
        assert "2026-12-15" in text and "2027-01-31" in text
        assert "hidden to fit the terminal: status, owner, lifecycle" in words
    else:
        assert "hidden to fit the terminal: status, owner, close by, score, lifecycle" in words


@pytest.mark.parametrize("width", [80, 60])
def test_task_lists_keep_amounts_dates_and_ids_whole(cli, wide_data, width):
    for args in (("task", "list"), ("due-today",)):
        text = on_screen(cli, width, *args)
        assert "2026-11-20" in text and "7d" in text
        assert "hidden to fit the terminal:" in text
        if width == 80:
            assert "19,000,000.00 USD" in text


def test_a_wide_terminal_shows_every_column(cli, wide_data):
    text = on_screen(cli, 200, "lead", "list")
    assert "hidden" not in text and OWNER in text and "lifecycle" in text
