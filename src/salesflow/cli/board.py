"""`board`: the live, keyboard-first pipeline board in the terminal (Textual, imported only
here)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli.app import app
from salesflow.cli.context import state

if TYPE_CHECKING:
    from salesflow.services.board.view import BoardHead

Opt = typer.Option


@app.command()
def board(
    ctx: typer.Context,
    pipeline: Annotated[
        str | None, Opt("--pipeline", help="Pipeline (default: the default).")
    ] = None,
    owner: Annotated[str | None, Opt("--owner", help="This rep's deals (default: yours).")] = None,
    all_: Annotated[bool, Opt("--all", help="Everyone's deals.")] = False,
) -> None:
    """The pipeline as a live board: move deals with the keyboard (`?` shows the keys)."""
    import gc

    # No cyclic garbage collection until the first frame is on screen (BoardApp.first_frame
    # turns it on again): start-up makes objects that all live on, and the collector's passes
    # over them cost the first paint about 40 ms (bench/board.py).
    gc.disable()
    try:
        _board(ctx, pipeline, owner, all_)
    finally:
        gc.enable()  # (a no-op once the first frame did it)


def _board(ctx: typer.Context, pipeline: str | None, owner: str | None, all_: bool) -> None:
    import sys
    import threading

    from salesflow.errors import SalesflowError, UsageProblem

    if owner and all_:
        raise UsageProblem("--owner and --all exclude each other")
    from salesflow.services.board.actions import BoardActions
    from salesflow.services.board.view import BoardScope, board_head

    app_ctx = state(ctx)
    whose = None if all_ else (app_ctx.actor if owner is None else owner)  # '': everyone's
    scope = BoardScope(pipeline=pipeline, owner=whose)
    read: dict[str, Any] = {}

    def read_head() -> None:
        try:
            with app_ctx.reader() as reader:  # light; a new database is made and migrated first
                read["head"] = board_head(scope, reader=reader)  # an unknown pipeline: refused
        except BaseException as exc:  # raised again below, on the main thread
            read["error"] = exc

    # The head's SQL runs while Textual is imported (SQLite lets go of the GIL as it reads).
    reading = threading.Thread(target=read_head, name="board-head", daemon=True)
    reading.start()

    def head() -> BoardHead:
        reading.join()
        if "error" in read:
            raise read["error"]
        return read["head"]  # type: ignore[no-any-return]

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        head()  # its error first: an unknown pipeline is the first thing to fix
        raise SalesflowError(
            "the board needs a terminal (standard input and output are not one)",
            hint="for scripts: `salesflow lead list --json`, `salesflow funnel --json`",
        )
    try:
        from salesflow.render.board.app import BoardApp
        from salesflow.services.board.source import BoardSource
    except BaseException:
        reading.join()  # never cut off halfway through making a new database
        raise
    first = head()  # its error before any about the acting user, as outside a terminal
    source = BoardSource(
        target=app_ctx.target,
        scope=scope,
        actions=BoardActions(app_ctx.database, app_ctx.actor),
        first_head=first,
    )
    BoardApp(source).run()
