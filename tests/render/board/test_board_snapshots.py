"""Snapshots of the board's main screens (pytest-textual-snapshot): the board, the deal card,
the morning list and a form showing a refusal. Regenerate with `--snapshot-update` only for an
intended change of the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from boardkit import SIZE, board_app, small_pipeline
from factories import Sales


@pytest.fixture
def board_db(isolated: Path, set_now: Any) -> Path:
    small_pipeline(Sales(isolated, set_now))
    return isolated


def test_board(board_db: Path, snap_compare: Any) -> None:
    assert snap_compare(board_app(board_db, owner="ana"), terminal_size=SIZE)


def test_board_everyone_filtered(board_db: Path, snap_compare: Any) -> None:
    assert snap_compare(board_app(board_db), press=["slash", *"acme", "enter"], terminal_size=SIZE)


def test_deal_card(board_db: Path, snap_compare: Any) -> None:
    assert snap_compare(board_app(board_db, owner="ana"), press=["enter"], terminal_size=SIZE)


def test_morning_list(board_db: Path, snap_compare: Any) -> None:
    assert snap_compare(board_app(board_db, owner="ana"), press=["g"], terminal_size=SIZE)


def test_lost_form_refusing_a_reason(board_db: Path, snap_compare: Any) -> None:
    async def refuse(pilot: Any) -> None:
        await pilot.press("x")
        await pilot.pause()
        pilot.app.screen.query_one("#field-reason").value = "bored"
        await pilot.press("ctrl+s")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(board_app(board_db, owner="ana"), run_before=refuse, terminal_size=SIZE)
