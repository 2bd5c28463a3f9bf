"""`report html`: one self-contained file, checked as text and rendered by a real headless browser.

The browser test needs Debian's `chromium` (`.ci/run` installs it). Without one it is skipped
locally, and fails under CI (`CI=true`): a missing install step must never pass as green.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_reports import HISTORY, play

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@pytest.fixture
def page(cli: Callable[..., Any], set_now: Callable[[str], None], tmp_path: Path) -> Path:
    """The dashboard of the hand-built history (plus a rep whose name is markup)."""
    play(cli, set_now, [*HISTORY, ("2026-03-02T08:00", ("lead", "add", "Tricky", "--value", "5",
                                                        "--owner", "<img src=x>"))])  # fmt: skip
    out = tmp_path / "dashboard.html"
    run = cli("report", "html", "--out", str(out))
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith(f"Wrote {out} (")
    return out


def test_dashboard_is_one_self_contained_file(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in html  # the browser may fetch nothing at all
    for outside in ("<script", "<link", "src=", "href=", "url(", "@import", "http://", "https://"):
        assert outside not in html.replace("&lt;img src=x&gt;", ""), outside
    for section in ("Funnel", "Win rate over time", "Forecast", "Reps", "Time in stage"):
        assert f"<h2>{section}</h2>" in html
    assert html.count("<svg") >= 6
    assert "&lt;img src=x&gt;" in html  # names from the database are escaped
    # the figures are the reports' own
    assert "16.7k USD" in html  # won value tile (exact value in its tooltip)
    assert 'title="16,700.00 USD"' in html
    # sales velocity as `report kpis` has it: the history's 4 open deals and the markup rep's
    # one, 5 × 16,700 × 3 / (6 × 86) a day
    assert 'title="485.47 USD"><span>Sales velocity, a day</span>' in html
    assert "Loses the most deals: <b>Connected</b>" in html


def test_dashboard_bad_path_is_one_error_line(cli: Callable[..., Any], tmp_path: Path) -> None:
    run = cli("report", "html", "--out", str(tmp_path / "missing" / "x.html"))
    assert run.exit_code == 1
    assert run.stderr.startswith("Error: cannot write")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    message = f"no headless browser ({', '.join(BROWSERS)}); on Debian: apt-get install chromium"
    if _in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _run_browser(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args]  # fmt: skip
    return subprocess.run(command, capture_output=True, timeout=180, check=False,
                          env={**os.environ, "HOME": str(profile)})  # fmt: skip


def test_dashboard_renders_in_a_headless_browser(page: Path, tmp_path: Path) -> None:
    browser = _browser()
    dom = _run_browser(browser, tmp_path / "profile-dom", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    text = dom.stdout.decode("utf-8")
    # the browser parsed the whole document: every chart is in its DOM, with its shapes
    for section in ("Funnel", "Win rate over time", "Forecast", "Reps", "Time in stage"):
        assert f"<h2>{section}</h2>" in text
    assert len(re.findall(r"<svg", text)) >= 6
    assert len(re.findall(r"<rect", text)) >= 20
    assert "<polyline" in text  # the win-rate line
    shot = tmp_path / "dashboard.png"
    drawn = _run_browser(browser, tmp_path / "profile-shot", f"--screenshot={shot}",
                         "--window-size=1280,2000", "--hide-scrollbars", page.as_uri())  # fmt: skip
    assert drawn.returncode == 0, drawn.stderr.decode(errors="replace")[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1280, 2000)
    # a blank page compresses to a few kB; text, tiles, bars and lines take far more
    assert len(png) > 40_000, len(png)
