"""Percentages as people type them (`12.5`, `12.5%`), stored as hundredths of a percent."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from salesflow.errors import InvalidInput


def parse_percent(text: str, *, what: str = "percentage") -> int:
    """0–100 with at most two decimals, as basis points of a percent (12.5% → 1250)."""
    raw = str(text).strip().removesuffix("%").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidInput(f"{what} {text!r} is not a number") from None
    if not value.is_finite() or value < 0 or value > 100:
        raise InvalidInput(f"{what} {text!r} must be between 0 and 100")
    hundredths = value * 100
    if hundredths != hundredths.to_integral_value():
        raise InvalidInput(f"{what} {text!r} has more than two decimals")
    return int(hundredths)


def percent_text(bp: int) -> str:
    """Hundredths of a percent back to a decimal string ("12.5")."""
    value = (Decimal(bp) / 100).normalize()
    return f"{value:f}"


def fraction(bp: int) -> Decimal:
    """Basis points as an exact fraction of one (a stage probability of 4500 → 0.45)."""
    return Decimal(bp) / Decimal(10000)
