"""Every key of the board, driven by Textual's pilot, with the database checked afterwards: the
same services (and rules) as the commands."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from boardkit import board_app, drive, settle, small_pipeline, type_text
from factories import Sales


@pytest.fixture
def board_db(isolated: Path, set_now: Any) -> tuple[Path, dict[str, int]]:
    sales = Sales(isolated, set_now)
    return isolated, small_pipeline(sales)


def one(db: Path, sql: str, *args: Any) -> Any:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchone()
    finally:
        conn.close()


def stage_of(db: Path, deal: int) -> str:
    return one(db, "SELECT s.key FROM deals d JOIN stages s ON s.id = d.stage_id WHERE d.id = ?",
               deal)[0]  # fmt: skip


def test_board_shows_columns_heads_and_marks(board_db: tuple[Path, dict[str, int]]) -> None:
    db, ids = board_db
    app = board_app(db, owner="ana")

    async def scenario(pilot: Any) -> None:
        board = app.board
        heads = [(c.column.key, c.column.deals, c.column.value_minor) for c in board.columns]
        assert heads[:2] == [("prospect", 3, 2_500_000), ("contacted", 1, 2_000_000)]
        # ordered by close date, undated last: Acme (10 Dec), Globex (20 Dec), Initech
        assert [c.deal_id for c in board.columns[0].cards] == [ids["acme"], ids["globex"],
                                                              ids["initech"]]  # fmt: skip
        assert ids["hooli"] not in [c.deal_id for col in board.columns for c in col.cards]
        assert board.selected.deal_id == ids["acme"]

    drive(app, scenario)


def test_arrows_and_hjkl_move_the_selection(board_db: tuple[Path, dict[str, int]]) -> None:
    db, ids = board_db
    app = board_app(db, owner="ana")

    async def scenario(pilot: Any) -> None:
        board = app.board
        await pilot.press("j", "down")
        assert board.selected.deal_id == ids["initech"]
        await pilot.press("k")
        assert board.selected.deal_id == ids["globex"]
        await pilot.press("l")
        assert (board.at, board.selected.deal_id) == (1, ids["umbrella"])
        await pilot.press("left")
        assert board.at == 0

    drive(app, scenario)


def test_advance_and_back_are_recorded_as_the_acting_user(
    board_db: tuple[Path, dict[str, int]],
) -> None:
    db, ids = board_db
    app = board_app(db, owner="ana", actor="ana")

    async def scenario(pilot: Any) -> None:
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert stage_of(db, ids["acme"]) == "contacted"
        # the selection follows the deal into its new column
        assert (app.board.at, app.board.selected.deal_id) == (1, ids["acme"])
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert stage_of(db, ids["acme"]) == "prospect"

    drive(app, scenario)
    moves = one(db, "SELECT count(*), sum(regression), min(by) FROM stage_moves WHERE deal_id = ?"
                " AND from_stage_id IS NOT NULL", ids["acme"])  # fmt: skip
    assert moves == (2, 1, "ana")
    # the playbook of Connected fired (and was closed again on the way back)
    assert one(db, "SELECT count(*) FROM follow_ups WHERE deal_id = ? AND text = ?",
               ids["acme"], "Follow up on first touch")[0] == 1  # fmt: skip


def test_a_gate_asks_before_it_is_forced(board_db: tuple[Path, dict[str, int]]) -> None:
    db, ids = board_db
    app = board_app(db, owner="ana")

    async def scenario(pilot: Any) -> None:
        await pilot.press("l")  # Umbrella, in Connected: Qualified has a score gate
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert type(app.screen).__name__ == "QuestionScreen"
        text = str(app.screen.query_one("#question").render())
        assert "Error: cannot enter Qualified: score" in text
        await pilot.press("n")
        await settle(pilot)
        assert stage_of(db, ids["umbrella"]) == "contacted"
        await pilot.press("greater_than_sign")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert stage_of(db, ids["umbrella"]) == "qualified"

    drive(app, scenario)
    assert one(db, "SELECT forced FROM stage_moves WHERE deal_id = ? ORDER BY id DESC LIMIT 1",
               ids["umbrella"])[0] == 1  # fmt: skip


def test_won_with_the_amount_prefilled(board_db: tuple[Path, dict[str, int]]) -> None:
    db, ids = board_db
    app = board_app(db, owner="ana")

    async def scenario(pilot: Any) -> None:
        await pilot.press("w")
        await pilot.pause()
        field = app.screen.query_one("#field-amount")
        assert field.value == "12000.00"
        field.value = "11500"
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "BoardScreen"

    drive(app, scenario)
    assert one(db, "SELECT status FROM deals WHERE id = ?", ids["acme"])[0] == "won"
    assert one(db, "SELECT amount_minor, by FROM close_outcomes WHERE deal_id = ?",
               ids["acme"]) == (1_150_000, "ana")  # fmt: skip


def test_lost_with_reason_competitor_and_note(board_db: tuple[Path, dict[str, int]]) -> None:
    db, ids = board_db
    app = board_app(db, owner="ana")

    async def scenario(pilot: Any) -> None:
        await pilot.press("x")
        await pilot.pause()
        await type_text(pilot, "price")
        await pilot.press("enter")
        await type_text(pilot, "Initrode")
        await pilot.press("enter")
        await type_text(pilot, "too dear")
        await pilot.press("enter")
        await settle(pilot)

    drive(app, scenario)
    assert one(db, "SELECT reason, competitor, note FROM close_outcomes WHERE deal_id = ?",
               ids["acme"]) == ("price", "Initrode", "too dear")  # fmt: skip


def test_follow_up_added_then_finished(board_db: tuple[Path, dict[str, int]]) -> None:
    db, ids = board_db
    app = board_app(db, owner="ana")

    async def scenario(pilot: Any) -> None:
        await pilot.press("j", "j")  # Initech
        await pilot.press("t")
        await pilot.pause()
        await type_text(pilot, "Call the CFO")
        await pilot.press("enter")
        app.screen.query_one("#field-due").value = "fri"
        await pilot.press("enter")
        await settle(pilot)
        due = one(db, "SELECT due, owner FROM follow_ups WHERE deal_id = ? AND text = ?",
                  ids["initech"], "Call the CFO")  # fmt: skip
        assert due == ("2026-11-27", "ana")  # the frozen clock is a Friday
        await pilot.press("d")  # finishes the deal's next open follow-up (due first)
        await settle(pilot)

    drive(app, scenario)
    # the playbook follow-up of Research was due first (+2d is 29 Nov; Call the CFO today)
    done = one(db, "SELECT text FROM follow_ups WHERE deal_id = ? AND done_at IS NOT NULL",
               ids["initech"])  # fmt: skip
    assert done == ("Call the CFO",)


def test_log_an_activity(board_db: tuple[Path, dict[str, int]]) -> None:
    db, ids = board_db
    app = board_app(db, owner="ana")

    async def scenario(pilot: Any) -> None:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")  # type: call (prefilled)
        await type_text(pilot, "Spoke to Ann")
        await pilot.press("enter")
        await settle(pilot)

    drive(app, scenario)
    assert one(db, "SELECT type, summary, by FROM activities WHERE deal_id = ?",
               ids["acme"]) == ("call", "Spoke to Ann", "ana")  # fmt: skip


def test_edit_value_owner_and_close_date(board_db: tuple[Path, dict[str, int]]) -> None:
    db, ids = board_db
    app = board_app(db, owner=None)

    async def scenario(pilot: Any) -> None:
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#field-value").value = "15k"
        app.screen.query_one("#field-owner").value = "ben"
        app.screen.query_one("#field-close_by").value = "2026-12-31"
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(app, scenario)
    assert one(db, "SELECT value_minor, owner, close_by FROM deals WHERE id = ?",
               ids["acme"]) == (1_500_000, "ben", "2026-12-31")  # fmt: skip
    assert one(db, "SELECT count(*) FROM deal_changes WHERE deal_id = ?", ids["acme"])[0] == 3


def test_new_lead_lands_in_the_first_column_selected(
    board_db: tuple[Path, dict[str, int]],
) -> None:
    db, _ = board_db
    app = board_app(db, owner="ana")

    async def scenario(pilot: Any) -> None:
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "Stark deal")
        await pilot.press("enter")
        await type_text(pilot, "Stark")
        await pilot.press("enter", "enter", "enter")
        await settle(pilot)
        made = one(db, "SELECT id, owner FROM deals WHERE title = 'Stark deal'")
        assert made[1] == "ana"
        assert (app.board.at, app.board.selected.deal_id) == (0, made[0])

    drive(app, scenario)


@pytest.mark.parametrize(
    ("key", "fill", "expected"),
    [
        ("w", {"amount": "-5"}, "Error: "),
        ("x", {"reason": "bored"}, "Error: unknown lost reason 'bored'"),
        ("t", {"text": "Call", "due": "31 Febtober"}, "Error: "),
        ("e", {"close_by": "2026-02-30"}, "Error: "),
        ("a", {"kind": "smoke signal", "summary": "hi"}, "Error: unknown activity type"),
    ],
)
def test_bad_input_shows_the_cli_error_and_changes_nothing(
    board_db: tuple[Path, dict[str, int]],
    dump: Any,
    cli: Any,
    key: str,
    fill: dict[str, str],
    expected: str,
) -> None:
    db, ids = board_db
    before = dump()
    app = board_app(db, owner="ana")
    shown: list[str] = []

    async def scenario(pilot: Any) -> None:
        await pilot.press(key)
        await pilot.pause()
        for name, value in fill.items():
            app.screen.query_one(f"#field-{name}").value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "FormScreen"  # still open, with the error
        shown.append(str(app.screen.query_one("#error").render()))

    drive(app, scenario)
    assert shown[0].startswith(expected)
    assert dump() == before
    # the same words as the command line's
    command = {
        "w": ["won", str(ids["acme"]), "--amount", fill.get("amount", "")],
        "x": ["lost", str(ids["acme"]), "--reason", fill.get("reason", "")],
        "t": ["task", "add", str(ids["acme"]), "Call", "--due", fill.get("due", "")],
        "e": ["edit", str(ids["acme"]), "--close-by", fill.get("close_by", "")],
        "a": ["log", str(ids["acme"]), fill.get("kind", ""), "hi"],
    }[key]
    result = cli(*command)
    assert result.exit_code != 0
    assert result.stderr.splitlines()[0] == shown[0].splitlines()[0]


def test_enter_opens_the_card_and_g_the_morning_list(
    board_db: tuple[Path, dict[str, int]],
) -> None:
    db, ids = board_db
    app = board_app(db, owner="ana")

    async def scenario(pilot: Any) -> None:
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "DealCardScreen"
        card = str(app.screen.query_one("#card").render())
        assert f"#{ids['acme']} Acme rollout" in card and "Research the account" in card
        await pilot.press("escape", "g")
        await pilot.pause()
        assert type(app.screen).__name__ == "MorningScreen"
        tasks = app.screen.tasks
        assert tasks == [] or all(t.owner == "ana" for t in tasks)
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "BoardScreen"

    drive(app, scenario)


def test_morning_list_finishes_the_highlighted_follow_up(
    board_db: tuple[Path, dict[str, int]],
    set_now: Any,
) -> None:
    db, _ = board_db
    set_now("2026-11-30T09:00")  # the Research playbook follow-ups (+2d) are due now
    app = board_app(db, owner="ana")
    finished: list[int] = []

    async def scenario(pilot: Any) -> None:
        await pilot.press("g")
        await pilot.pause()
        morning = app.screen
        assert len(morning.tasks) == 4
        first = morning.tasks[0].id
        finished.append(first)
        await pilot.press("d")
        await settle(pilot)
        assert len(app.screen.tasks) == 3
        assert first not in [t.id for t in app.screen.tasks]

    drive(app, scenario)
    assert one(db, "SELECT done_at IS NOT NULL, closed_as FROM follow_ups WHERE id = ?",
               finished[0]) == (1, "done")  # fmt: skip


def test_slash_filters_fuzzily_enter_keeps_escape_clears(
    board_db: tuple[Path, dict[str, int]],
) -> None:
    db, ids = board_db
    app = board_app(db, owner="ana")

    async def scenario(pilot: Any) -> None:
        board = app.board
        await pilot.press("slash")
        await type_text(pilot, "globx")  # a typo still finds Globex
        await pilot.pause()
        shown = [c.deal_id for col in board.columns for c in col.cards]
        assert shown == [ids["globex"]]
        await pilot.press("enter")
        await pilot.pause()
        assert board.selected.deal_id == ids["globex"]
        await pilot.press("j")  # keys go to the board again, the filter kept
        assert [c.deal_id for col in board.columns for c in col.cards] == [ids["globex"]]
        await pilot.press("slash")
        await type_text(pilot, "ann lee")  # the contact's name
        await pilot.pause()
        assert ids["acme"] in [c.deal_id for col in board.columns for c in col.cards]
        await pilot.press("escape")
        await pilot.pause()
        assert len([c for col in board.columns for c in col.cards]) == 4

    drive(app, scenario)


def test_help_palette_refresh_and_quit(board_db: tuple[Path, dict[str, int]]) -> None:
    db, _ = board_db
    app = board_app(db, owner="ana")

    async def scenario(pilot: Any) -> None:
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        await pilot.press("question_mark")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"
        await type_text(pilot, "Won")
        await pilot.pause(0.3)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r", "q")
        await pilot.pause()

    drive(app, scenario)
    assert app.return_code == 0


def test_mouse_click_selects_a_card(board_db: tuple[Path, dict[str, int]]) -> None:
    db, ids = board_db
    app = board_app(db, owner="ana")

    async def scenario(pilot: Any) -> None:
        column = app.board.columns[0]
        from salesflow.render.board.column import CARD_LINES, HEAD_LINES

        await pilot.click(column, offset=(3, HEAD_LINES + CARD_LINES + 1))
        await pilot.pause()
        assert app.board.selected.deal_id == ids["globex"]

    drive(app, scenario)


def test_a_title_with_markup_is_shown_as_typed(isolated: Path, set_now: Any) -> None:
    sales = Sales(isolated, set_now)
    deal = sales.lead("[bold]Evil[/] deal [", company="[red]Co", value="100")
    sales.task(deal, "[link=x]call[/link]", sales_today())
    app = board_app(isolated, owner="ana")

    async def scenario(pilot: Any) -> None:
        assert app.board.selected.deal_id == deal
        await pilot.press("w")
        await pilot.pause()
        assert "[bold]Evil[/] deal [" in str(app.screen.query_one(".title").render())
        await pilot.press("escape", "g")
        await pilot.pause()
        assert app.screen.tasks[0].text == "[link=x]call[/link]"
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert "[bold]Evil[/] deal [" in str(app.screen.query_one("#card").render())
        await pilot.press("escape", "greater_than_sign")
        await settle(pilot)  # the notice names the deal: plain text, not markup

    drive(app, scenario)
    assert stage_of(isolated, deal) == "contacted"


def sales_today() -> Any:
    from datetime import date

    return date(2026, 11, 27)


def test_a_busy_database_shows_a_notice_and_the_move_is_retried(
    board_db: tuple[Path, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    db, ids = board_db
    monkeypatch.setenv("SALESFLOW_BUSY_TIMEOUT_MS", "300")
    app = board_app(db, owner="ana")
    locker = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    locker.execute("BEGIN IMMEDIATE")  # another writer holds the lock for 1.5 s

    released = threading.Event()

    def release() -> None:
        time.sleep(1.5)
        released.set()
        locker.execute("ROLLBACK")

    async def scenario(pilot: Any) -> None:
        threading.Thread(target=release).start()
        await pilot.press("greater_than_sign")
        await pilot.press("j")  # the board still answers while the write waits for the lock
        assert not released.is_set()
        await settle(pilot)
        notices = [n.message for n in app._notifications]
        assert any("The database is busy" in n for n in notices), notices

    drive(app, scenario)
    locker.close()
    assert stage_of(db, ids["acme"]) == "contacted"


def test_square_brackets_in_titles_and_typed_text_are_not_markup(
    isolated: Path, set_now: Any, dump: Any
) -> None:
    """`[/]` in a deal's title or in a typed amount is text: Textual would read it as markup,
    and an unmatched closing tag crashed the board when a form opened."""
    sales = Sales(isolated, set_now)
    deal = sales.lead("Acme [/] deal [@click=app.quit]x[/]", value="1000")
    app = board_app(isolated, owner="ana")
    seen: dict[str, str] = {}

    async def scenario(pilot: Any) -> None:
        await pilot.press("w")
        await settle(pilot)
        seen["title"] = str(app.screen.query_one(".title").render())
        app.screen.query_one("#field-amount").value = "[/]"
        before = dump()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert dump() == before
        seen["error"] = str(app.screen.query_one("#error").render())
        await pilot.press("escape")
        await pilot.press("greater_than_sign")  # its notice names the deal
        await settle(pilot)
        notice = list(app._notifications)[-1]
        seen["notice"] = str(notice.message)
        assert not notice.markup  # a toast reads its message as markup unless told not to
        assert type(app.screen).__name__ == "BoardScreen"

    drive(app, scenario)
    assert seen["title"] == f"Won #{deal} Acme [/] deal [@click=app.quit]x[/]"
    assert seen["error"].startswith("Error: '[/]' is not an amount")
    assert seen["notice"].startswith(f"#{deal} Acme [/] deal")


@pytest.mark.parametrize(
    ("key", "fill", "command"),
    [
        ("x", {"reason": "price", "note": "a\x1b[2Jb"}, ["lost", "{id}", "--reason", "price",
                                                         "--note", "a\x1b[2Jb"]),
        ("x", {"reason": "price", "competitor": "\x07Initrode"},
         ["lost", "{id}", "--reason", "price", "--competitor", "\x07Initrode"]),
        ("a", {"kind": "call", "summary": "a\x00b"}, ["log", "{id}", "call", "a\x00b"]),
        ("a", {"kind": "call", "summary": "\x1b]0;pwned\x07"},
         ["log", "{id}", "call", "\x1b]0;pwned\x07"]),
    ],
)  # fmt: skip
def test_control_characters_in_free_text_are_refused_as_the_cli_refuses_them(
    board_db: tuple[Path, dict[str, int]], dump: Any, cli: Any, key: str,
    fill: dict[str, str], command: list[str],
) -> None:  # fmt: skip
    """A note or a summary pasted with an escape sequence in it: the command line refuses every
    argument holding a control character, so the board refuses the field, in the same words."""
    db, ids = board_db
    before = dump()
    app = board_app(db, owner="ana")
    shown: list[str] = []

    async def scenario(pilot: Any) -> None:
        await pilot.press(key)
        await pilot.pause()
        for name, value in fill.items():
            app.screen.query_one(f"#field-{name}").value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "FormScreen"
        shown.append(str(app.screen.query_one("#error").render()))

    drive(app, scenario)
    assert dump() == before
    result = cli(*[w.format(id=ids["acme"]) for w in command])
    assert result.exit_code != 0
    assert shown[0].splitlines()[0] == result.stderr.splitlines()[0]
    assert shown[0].startswith("Error: argument ")


def test_a_form_sent_while_another_write_runs_can_be_sent_again(
    board_db: tuple[Path, dict[str, int]],
) -> None:
    """Submitted while the last change is still being saved (a busy database retries it for
    seconds), a form is told so and stays usable: it used to ignore every later Enter."""
    db, ids = board_db
    app = board_app(db, owner="ana")

    async def scenario(pilot: Any) -> None:
        await pilot.press("w")
        await settle(pilot)
        app.writing = True  # a move still being retried
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert str(list(app._notifications)[-1].message) == "Still saving the last change…"
        app.writing = False
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "BoardScreen"

    drive(app, scenario)
    assert one(db, "SELECT status FROM deals WHERE id = ?", ids["acme"])[0] == "won"


def test_square_brackets_in_the_morning_list_are_text(isolated: Path, set_now: Any) -> None:
    """The morning list's cells hold titles and follow-up texts: a table reads a plain string
    as markup, and `[/]` in one ended the board when `g` was pressed."""
    sales = Sales(isolated, set_now)
    sales.lead("Acme [/] deal", value="1000")
    app = board_app(isolated, owner="ana")
    rows: list[list[str]] = []

    async def scenario(pilot: Any) -> None:
        await pilot.press("t")
        await settle(pilot)
        app.screen.query_one("#field-text").value = "Call [/] back [red]now"
        app.screen.query_one("#field-due").value = "today"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        table = app.screen.query_one("#morning")
        rows.extend([str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count))

    drive(app, scenario)
    assert any(row[2].endswith("Acme [/] deal") and row[3] == "Call [/] back [red]now"
               for row in rows), rows  # fmt: skip


def test_a_narrow_terminal_gives_the_columns_the_room(
    board_db: tuple[Path, dict[str, int]],
) -> None:
    db, ids = board_db
    app = board_app(db, owner="ana")

    async def scenario(pilot: Any) -> None:
        assert not app.board.query_one("#outcomes").display
        first = app.board.columns[0]
        assert first.size.width >= 8 and first.cards[0].deal_id == ids["acme"]

    drive(app, scenario, size=(60, 20))


def test_back_in_the_first_stage_is_the_services_refusal(
    board_db: tuple[Path, dict[str, int]], dump: Any
) -> None:
    db, ids = board_db
    before = dump()
    app = board_app(db, owner="ana")

    async def scenario(pilot: Any) -> None:
        await pilot.press("less_than_sign")
        await settle(pilot)
        notices = [n.message for n in app._notifications]
        assert f"Error: deal #{ids['acme']} is in the first stage (Research)" in notices, notices

    drive(app, scenario)
    assert dump() == before


def test_a_taller_terminal_shows_more_cards_and_a_shorter_one_fewer(
    board_db: tuple[Path, dict[str, int]],
) -> None:
    db, ids = board_db
    app = board_app(db, owner="ana")
    shown: list[list[int]] = []

    def research() -> list[int]:
        first = app.board.columns[0]
        return [c.deal_id for c in first.cards[: first.fits]]

    async def scenario(pilot: Any) -> None:
        shown.append(research())  # 14 lines: room for one card a column
        await pilot.resize_terminal(160, 45)
        await settle(pilot)
        shown.append(research())
        await pilot.resize_terminal(160, 14)
        await settle(pilot)
        shown.append(research())
        first = app.board.columns[0]
        lines = [first.render_line(y).text for y in range(first.size.height)]
        assert "1–1 of 3" in "\n".join(lines)

    drive(app, scenario, size=(160, 14))
    assert shown == [[ids["acme"]], [ids["acme"], ids["globex"], ids["initech"]], [ids["acme"]]]


def test_the_collector_turned_off_for_start_up_runs_again_once_the_board_is_drawn(
    board_db: tuple[Path, dict[str, int]],
) -> None:
    import gc

    db, _ = board_db
    app = board_app(db, owner="ana")
    seen: list[bool] = []

    async def scenario(pilot: Any) -> None:
        seen.append(gc.isenabled())

    gc.disable()  # as `salesflow board` does while it starts
    try:
        drive(app, scenario)
    finally:
        gc.enable()
    assert seen == [True]


def test_escape_while_a_form_is_saving_keeps_it_open_until_the_write_is_done(
    board_db: tuple[Path, dict[str, int]],
) -> None:
    """Escape during the write does not close the form (closing it would leave the write's end
    to close whatever screen is on top then: the board itself)."""
    import time

    db, ids = board_db
    app = board_app(db, owner="ana")
    stacks: list[list[str]] = []

    async def scenario(pilot: Any) -> None:
        actions = app.source.actions
        win = actions.win

        def slow(*args: Any, **kwargs: Any) -> Any:
            time.sleep(0.5)
            return win(*args, **kwargs)

        actions.win = slow
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter")  # the amount is prefilled: sent
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        stacks.append([type(s).__name__ for s in app.screen_stack])
        await settle(pilot)
        stacks.append([type(s).__name__ for s in app.screen_stack])

    drive(app, scenario)
    assert stacks == [["BoardScreen", "FormScreen"], ["BoardScreen"]]
    assert one(db, "SELECT status FROM deals WHERE id = ?", ids["acme"]) == ("won",)


def test_showing_and_hiding_the_find_box_fills_the_columns_again(
    board_db: tuple[Path, dict[str, int]],
) -> None:
    """The `/` box takes lines from the columns and gives them back: each column reads the cards
    that fit again, so no empty card-sized gap is left."""
    db, _ = board_db
    app = board_app(db, owner="ana")
    shown: list[tuple[int, int]] = []

    def research() -> tuple[int, int]:
        first = app.board.columns[0]
        return first.fits, len(first.cards[: first.fits])

    async def scenario(pilot: Any) -> None:
        shown.append(research())
        await pilot.press("slash")
        await settle(pilot)
        shown.append(research())
        await pilot.press("escape")
        await settle(pilot)
        shown.append(research())

    drive(app, scenario, size=(160, 23))
    # 21 lines a column: 3 cards; the box's 3 lines leave room for 2; then 3 again
    assert shown == [(3, 3), (2, 2), (3, 3)]
