"""Driving the board in tests: an app on a database, and a pilot that waits for its writes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

SIZE = (150, 40)


def board_app(target: str | Path, *, owner: str | None = None, actor: str = "ana",
              watch: bool = False, pipeline: str | None = None) -> Any:  # fmt: skip
    """The board as `salesflow board` wires it, on `target` (a file or a URL)."""
    from salesflow.db.engine import Database
    from salesflow.render.board.app import BoardApp
    from salesflow.services.board.actions import BoardActions
    from salesflow.services.board.source import BoardSource
    from salesflow.services.board.view import BoardScope

    target = str(target)
    source = BoardSource(target=target, scope=BoardScope(pipeline=pipeline, owner=owner),
                         actions=BoardActions(lambda: Database(target), actor),
                         live=watch)  # fmt: skip
    return BoardApp(source)


async def settle(pilot: Any) -> None:
    """Wait until the app's writes are done and the screen is redrawn."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def drive(
    app: Any, scenario: Callable[[Any], Awaitable[None]], size: tuple[int, int] = SIZE
) -> None:
    """Run `scenario(pilot)` on the app with Textual's pilot."""

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await scenario(pilot)

    asyncio.run(run())


async def type_text(pilot: Any, text: str) -> None:
    """Type into the focused field (each character as its key)."""
    for char in text:
        await pilot.press(char)


def small_pipeline(sales: Any) -> dict[str, int]:
    """Four of ana's deals and one of ben's, with known values and close dates."""
    ids = {
        "acme": sales.lead("Acme rollout", company="Acme", contact="Ann Lee", value="12000",
                           close_by=date(2026, 12, 10)),
        "globex": sales.lead("Globex pilot", company="Globex", contact="Gil Bates", value="5000",
                             close_by=date(2026, 12, 20)),
        "initech": sales.lead("Initech licence", company="Initech", value="8000"),
        "umbrella": sales.lead("Umbrella renewal", company="Umbrella", value="20000",
                               close_by=date(2026, 12, 5)),
        "hooli": sales.lead("Hooli upsell", company="Hooli", owner="ben", value="3000"),
    }  # fmt: skip
    sales.advance(ids["umbrella"])  # to Connected
    return ids
