"""salesflow commands as real, separate processes, without paying Python's start-up for each one.

A soak that runs hundreds of commands tests what processes do to one database at once: their own
connections, transactions, locks and retries. It does not test importing Typer and SQLAlchemy,
which is most of a command's time (the start-up tests and the benchmarks look after that). A
`ForkServer` is a Python process that has imported salesflow once; for each command it forks a
child, which is a new process with its own everything from then on: the child sets the
command's environment and arguments, runs the console script's `main()` and exits with its code,
its output in files the server hands back. Nothing is open at the fork (no database, no thread).
What a child does not do that a new process would: run `atexit` handlers (salesflow closes its
database itself, before `main()` returns); and the modules were imported once, in the server,
so nothing salesflow works out at import time may depend on the command's environment.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass

_SERVER = r"""
import importlib, json, os, pkgutil, random, signal, sys, time, traceback
import salesflow
from salesflow.cli.main import COMMAND_MODULES, main

# every service, query, model and render module, not the command modules: a command's process
# imports only its own, and Typer builds only what is imported (the board and the migration
# scripts are left out too)
skip = ("salesflow.db.migrations", "salesflow.render.board", "salesflow.services.board",
        "salesflow.__main__", *(f"salesflow.cli.{name}" for name in COMMAND_MODULES.values()))
for found in pkgutil.walk_packages(salesflow.__path__, "salesflow."):
    if not found.name.startswith(skip):
        importlib.import_module(found.name)

folder = sys.argv[1]
print("ready", flush=True)
for line in sys.stdin:
    request = json.loads(line)
    out, err = os.path.join(folder, "out"), os.path.join(folder, "err")
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            signal.alarm(120)  # a command that hangs is killed (SIGALRM), as a timeout would
            os.environ.clear()
            os.environ.update(request["env"])
            time.tzset()  # the command's TZ, as a new process would read it
            random.seed()  # its own random numbers, not a copy of the server's
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 1)
            os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
            sys.argv = ["salesflow", *request["args"]]
            try:
                main()
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
                if not isinstance(stop.code, int | None):
                    print(stop.code, file=sys.stderr)  # what Python prints for exit("text")
            except BaseException:
                traceback.print_exc()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    with open(out, encoding="utf-8", errors="replace") as o, open(err, encoding="utf-8", errors="replace") as e:
        answer = {"code": os.waitstatus_to_exitcode(status), "stdout": o.read(), "stderr": e.read()}
    print(json.dumps(answer), flush=True)
"""


@dataclass
class Done:
    """What one forked command did: as `subprocess.CompletedProcess` has it."""

    returncode: int
    stdout: str
    stderr: str


class ForkServer:
    """One server process; `run` forks one command at a time (use one server per thread)."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="salesflow-fork-")
        self._process = subprocess.Popen(
            [sys.executable, "-c", _SERVER, self._folder.name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None and self._process.stdout.readline() == "ready\n"

    def run(self, args: list[str], env: dict[str, str]) -> Done:
        """Run `salesflow ARGS…` with exactly `env` as its environment, in a new process."""
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps({"args": args, "env": env}) + "\n")
        self._process.stdin.flush()
        answer = json.loads(self._process.stdout.readline())
        return Done(answer["code"], answer["stdout"], answer["stderr"])

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=30)
        self._folder.cleanup()
