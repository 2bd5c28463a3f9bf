"""Counts read as English in the messages people see most: "1 company", never "1 companies"."""

from __future__ import annotations

import pytest

from salesflow.words import noun, plural


@pytest.mark.parametrize(
    ("count", "words", "text"),
    [
        (0, ("company", "companies"), "0 companies"),
        (1, ("company", "companies"), "1 company"),
        (2, ("company", "companies"), "2 companies"),
        (1, ("deal",), "1 deal"),
        (1200, ("deal",), "1,200 deals"),
    ],
)
def test_plural(count, words, text):
    assert plural(count, *words) == text
    assert noun(count, *words) == text.split(" ", 1)[1]


def one_of_each(cli):
    run = cli("lead", "add", "Solo", "--company", "Soloco", "--contact", "Sam Solo",
              "--email", "sam@solo.example", "--value", "1k")  # fmt: skip
    assert run.exit_code == 0, run.stderr


def test_export_summaries(cli, tmp_path):
    one_of_each(cli)
    run = cli("export", "csv", "--what", "companies", "--out", str(tmp_path / "c.csv"))
    assert run.stdout == f"Wrote 1 company to {tmp_path / 'c.csv'}.\n"
    run = cli("export", "json", "--what", "deals", "--out", str(tmp_path / "d.json"))
    assert run.stdout == f"Wrote 1 record (deals) to {tmp_path / 'd.json'}.\n"
    run = cli("export", "csv", "--what", "all", "--out", str(tmp_path / "all"))
    assert run.stdout.startswith("Wrote 1 deal, 1 contact, 1 company, 1 task to ")


def test_import_summary(cli, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("title,company,value\nSolo,Soloco,1000\n")
    first = cli("import", str(path))
    assert (
        first.stdout.splitlines()[0] == "Imported 1 deal (1 open) from 1 row (generic) into sales."
    )
    path.write_text("title,company,value\nSolo,Soloco,2000\n")
    again = cli("import", str(path), "--on-duplicate", "update")
    assert "1 deal updated, 0 skipped" in again.stdout


def test_demo_summary(cli):
    run = cli("demo", "--size", "1")
    assert run.exit_code == 0, run.stderr
    assert "(1 deal, 1 company, 1 rep)" in run.stdout.splitlines()[0]


def test_kpis(cli):
    one_of_each(cli)
    cli("won", "solo")
    lines = cli("report", "kpis").stdout.splitlines()
    assert any(line.startswith("ARPU") and line.endswith("(1 company)") for line in lines)


def test_forget_summary(cli):
    one_of_each(cli)
    run = cli("contact", "forget", "Sam Solo", "--yes")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines()[0] == (
        "Forgot contact #1. Their deal (#1) keeps anonymous figures."
    )
