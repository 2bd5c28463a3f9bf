"""Every `--help` says what to type (`DEAL`, `DATE`, `--line SKU:QTY[:DISC%]`), never a Python
type (`<str>`, `<list[str]>`) or Typer's `{deal}`."""

from __future__ import annotations

import re

import pytest

from salesflow.cli.main import COMMAND_MODULES, all_commands
from salesflow.domain.inputs import REPEATS
from salesflow.services.catalogue import RECURRING
from salesflow.services.imports.writer import ON_DUPLICATE

_PYTHON_METAVAR = re.compile(r"<[a-z][^>]*>|\{[a-z_]+\}|list\[|\[str\]|\bNoneType\b")


def _words() -> list[tuple[str, ...]]:
    return [words for words, _ in all_commands()]


def test_every_command_of_the_index_is_walked() -> None:
    assert {words[0] for words in _words()} == set(COMMAND_MODULES)


@pytest.mark.parametrize("words", [(), *_words()], ids=lambda w: " ".join(w) or "root")
def test_help_shows_what_to_type(cli, words: tuple[str, ...]) -> None:
    result = cli(*words, "--help")
    assert result.exit_code == 0, result.stderr
    found = _PYTHON_METAVAR.findall(result.stdout)
    assert not found, f"`salesflow {' '.join(words)} --help` shows {found}"


def test_the_quote_line_says_its_shape(cli) -> None:
    shown = cli("quote", "new", "--help").stdout
    assert "Usage: salesflow quote new [OPTIONS] DEAL" in shown
    assert "--line SKU:QTY[:DISC%]" in shown
    assert "--owner REP" in cli("due-today", "--help").stdout


@pytest.mark.parametrize(
    ("words", "shown"),
    [
        (("import",), "--on-duplicate " + "|".join(ON_DUPLICATE)),
        (("task", "add"), "--repeat " + "|".join(REPEATS)),
        (("product", "add"), "--recurring " + "|".join(RECURRING) + " "),
        (("product", "add"), "--bundle SKU:QTY,…"),
        (("product", "edit"), "--recurring " + "|".join((*RECURRING, "none"))),
        (("funnel",), "--since DATE"),
        (("report", "kpis"), "--until DATE"),
    ],
)
def test_a_choice_or_a_shape_is_shown_not_the_option_name(cli, words, shown) -> None:
    """The choices (kept in step with the services' own lists) or the value's shape."""
    assert shown in cli(*words, "--help").stdout
