"""The JSON of every read command, on the Maven data set and on `demo --size 2000 --seed 7`, is the
same as the golden copy kept in `tests/golden/` (taken before the read side was rebuilt: issue 15
says no output changes except its fixes).

A difference names the command and the first JSON path that differs. When an output changes on
purpose, regenerate with `SALESFLOW_UPDATE_GOLDEN=1 pytest tests/test_golden.py` and say why in the
commit: the diff of the golden files is the review.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, _clear_caches, maven_dir
from typer.testing import CliRunner

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("SALESFLOW_UPDATE_GOLDEN") == "1"
MAVEN = maven_dir()
MAVEN_FILES = ["accounts.csv", "products.csv", "sales_teams.csv", "sales_pipeline.csv"]

# The read commands, each with --json added; the second list per data set adds its own names.
COMMON = [
    "due-today --all",
    "lead list",
    "lead list --all",
    "lead list --sort value",
    "funnel",
    "stale",
    "agenda",
    "agenda --days 30",
    "report kpis",
    "report forecast",
    "report reps",
    "report products",
    "report lost",
    "report stages",
    "customer list",
    "renewals",
    "task list",
    "pipeline list",
    "pipeline show",
    "quote list",
    "product list",
    "rule list",
    "cadence list",
    "db check",
    "show 1",
    "show 17",
    "show 250",
    "score 1",
    "score 250",
    "history 1",
    "history 250",
]
PER_SET = {
    "demo": [
        "due-today --owner ben",
        "lead list --owner ' Ben'",
        "funnel --owner ben",
        "funnel --since 2026-01-01 --until 2026-06-30",
        "report kpis --owner dev",
        "report kpis --since 2026-01-01 --until 2026-06-30",
        "report forecast --owner eli",
        "report reps --since 2026-07-01",
        "report lost --owner ana",
        "report stages --owner ben",
        "report products --until 2026-06-30",
        "show 1999",
    ],
    "maven": [
        "funnel --pipeline maven",
        "funnel --pipeline maven --owner 'darcel schlecht'",
        "report kpis --pipeline maven",
        "report kpis --pipeline maven --owner 'Darcel Schlecht'",
        "report kpis --pipeline maven --since 2017-03-01 --until 2017-06-30",
        "report forecast --pipeline maven",
        "report reps --pipeline maven",
        "report products --pipeline maven",
        "report lost --pipeline maven",
        "report stages --pipeline maven",
        "lead list --pipeline maven --owner 'Versie Hillebrand'",
        "show 8800",
    ],
}


def _commands(name: str) -> list[str]:
    return COMMON + PER_SET[name]


def _invoke(app: Any, env: dict[str, str], words: list[str]) -> Any:
    _clear_caches()
    result = CliRunner().invoke(app, words, env=env, catch_exceptions=False)
    _clear_caches()
    return result


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """The two data sets, each in its own database, with its own clock and config."""
    from salesflow.cli.main import full_app

    app = full_app()
    made: dict[str, dict[str, str]] = {}
    for name in ("demo", "maven"):
        folder = tmp_path_factory.mktemp(f"golden-{name}")
        settings = folder / "config.toml"
        settings.write_text('timezone = "UTC"\ncurrency = "USD"\n')
        env = {
            "SALESFLOW_DB": str(folder / f"{name}.db"),
            "SALESFLOW_CONFIG": str(settings),
            "SALESFLOW_NOW": NOW,
            "SALESFLOW_USER": "ana",
            "XDG_DATA_HOME": str(folder / "data"),
            "XDG_CACHE_HOME": str(folder / "cache"),
            "COLUMNS": "200",
        }
        if name == "demo":
            words = ["demo", "--size", "2000", "--seed", "7"]
        else:
            if not all((MAVEN / f).exists() for f in MAVEN_FILES):
                if os.environ.get("CI") == "true":
                    pytest.fail(f"Maven CSV files not found in {MAVEN}")
                continue
            words = ["import", "--preset", "maven", *(str(MAVEN / f) for f in MAVEN_FILES)]
        result = _invoke(app, env, words)
        assert result.exit_code == 0, result.output
        made[name] = env
    return made


def _golden_file(name: str) -> Path:
    return GOLDEN / f"{name}.json.gz"


def _load(name: str) -> dict[str, Any]:
    with gzip.open(_golden_file(name), "rt", encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def _first_difference(want: Any, got: Any, path: str = "$") -> str | None:
    if type(want) is not type(got):
        return f"{path}: {want!r} became {got!r}"
    if isinstance(want, dict):
        for key in sorted(set(want) | set(got)):
            if key not in got:
                return f"{path}.{key}: missing (was {want[key]!r})"
            if key not in want:
                return f"{path}.{key}: new key ({got[key]!r})"
            found = _first_difference(want[key], got[key], f"{path}.{key}")
            if found:
                return found
        if list(want) != list(got):
            return f"{path}: key order {list(want)} became {list(got)}"
        return None
    if isinstance(want, list):
        for i, (a, b) in enumerate(zip(want, got, strict=False)):
            found = _first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        if len(want) != len(got):
            return f"{path}: {len(want)} items became {len(got)}"
        return None
    return None if want == got else f"{path}: {want!r} became {got!r}"


def _run_all(name: str, env: dict[str, str]) -> dict[str, Any]:
    import shlex

    from salesflow.cli.main import full_app

    app = full_app()
    folder = str(Path(env["SALESFLOW_DB"]).parent)
    outputs: dict[str, Any] = {}
    for command in _commands(name):
        result = _invoke(app, env, [*shlex.split(command), "--json"])
        text = result.stdout.replace(folder, "<folder>")
        outputs[command] = {"exit": result.exit_code, "json": json.loads(text) if text else None}
    return outputs


@pytest.mark.parametrize("name", ["demo", "maven"])
def test_read_commands_print_the_golden_json(
    name: str, databases: dict[str, dict[str, str]]
) -> None:
    if name not in databases:
        pytest.skip(f"Maven CSV files not found in {MAVEN}")
    outputs = _run_all(name, databases[name])
    assert all(o["exit"] == 0 for o in outputs.values()), {
        c: o["exit"] for c, o in outputs.items() if o["exit"]
    }
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        with gzip.GzipFile(_golden_file(name), "wb", mtime=0) as handle:
            handle.write(json.dumps(outputs, indent=0, sort_keys=False).encode())
        return
    golden = _load(name)
    assert sorted(golden) == sorted(outputs), "the golden copy covers other commands"
    differences = {
        command: found
        for command in outputs
        if (found := _first_difference(golden[command], outputs[command]))
    }
    assert not differences, "\n".join(f"{c}: {d}" for c, d in differences.items())
