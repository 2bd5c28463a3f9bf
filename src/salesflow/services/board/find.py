"""The board's `/`: which open deals a typed text finds, by a fuzzy match (rapidfuzz) on title,
company and contact, so a typo or a partial name still finds the deal."""

from __future__ import annotations

from salesflow.services.board.view import SearchEntry

CUTOFF = 80  # rapidfuzz's partial ratio, 0–100: "globx" finds Globex, "acne" does not find Acme


def matching(query: str, entries: list[SearchEntry]) -> dict[int, list[int]]:
    """The deal ids that match `query`, per stage id, in the column order of `entries`."""
    wanted = _found(query.strip(), entries)
    out: dict[int, list[int]] = {}
    for entry in entries:
        if entry.deal_id in wanted:
            out.setdefault(entry.stage_id, []).append(entry.deal_id)
    return out


def _found(query: str, entries: list[SearchEntry]) -> set[int]:
    if not query:
        return {e.deal_id for e in entries}
    if len(query) < 3:  # too short for a fuzzy score to mean anything: a plain substring
        low = query.casefold()
        return {e.deal_id for e in entries if low in e.text.casefold()}
    from rapidfuzz import fuzz, process, utils

    found = process.extract(
        query,
        [e.text for e in entries],
        scorer=fuzz.partial_ratio,
        processor=utils.default_process,
        score_cutoff=CUTOFF,
        limit=None,
    )
    return {entries[index].deal_id for _, _, index in found}
