"""The demo database: a believable, reproducible sales team's last nine months (`salesflow
demo`, and the benchmark data generator). `world` is what it draws from, `working_hours`
when things happen, `generator` writes the rows."""

from salesflow.services.demo.generator import build_demo

__all__ = ["build_demo"]
