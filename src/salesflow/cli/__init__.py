"""The command line: thin Typer commands that parse input, call one service, and render.

One module per command group. Services and Rich are imported inside the commands that need them,
so `salesflow --help` and quick commands start fast.
"""
