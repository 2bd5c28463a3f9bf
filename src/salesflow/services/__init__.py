"""Business rules: pipelines, leads and deals, stage moves, follow-ups, the funnel, the demo.

Services know nothing of Typer or Rich. They take `session` as a keyword argument and return
plain read models (each area's `views.py`), so rendering never touches a live session.
"""
