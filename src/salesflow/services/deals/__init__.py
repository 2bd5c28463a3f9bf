"""Pipelines and deals: adding leads, finding and editing deals, stage moves, the deal card
and `lead list`, a deal's history, activities and the change log."""
