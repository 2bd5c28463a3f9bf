"""Quote arithmetic, exactly as the contract says, in integer minor units with half-up rounding.

line amount = qty × unit price, less the line discount, rounded half-up to the minor unit;
subtotal = sum of lines; the quote discount applies to the subtotal; tax is on the discounted
subtotal; total = discounted subtotal + tax. Percentages are hundredths of a percent.
The effective discount is what the customer pays less than list price (qty × unit price) before
tax, whichever discounts make it up: 20% off a line and 20% off the quote is 36% off list.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

_HUNDRED_PERCENT = Decimal(10000)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_amount(qty: int, unit_price_minor: int, discount_bp: int) -> int:
    """One line in minor units."""
    gross = Decimal(qty) * Decimal(unit_price_minor)
    return _round(gross * (_HUNDRED_PERCENT - discount_bp) / _HUNDRED_PERCENT)


@dataclass(frozen=True)
class Totals:
    """The figures of a quote, in minor units."""

    lines: tuple[int, ...]
    subtotal: int
    discount: int
    tax: int
    total: int


def quote_totals(lines: list[tuple[int, int, int]], *, discount_bp: int, tax_bp: int) -> Totals:
    """Totals for lines of (qty, unit price in minor units, line discount)."""
    amounts = tuple(line_amount(q, p, d) for q, p, d in lines)
    subtotal = sum(amounts)
    discount = _round(Decimal(subtotal) * discount_bp / _HUNDRED_PERCENT)
    taxable = subtotal - discount
    tax = _round(Decimal(taxable) * tax_bp / _HUNDRED_PERCENT)
    return Totals(amounts, subtotal, discount, tax, taxable + tax)


def list_price(lines: list[tuple[int, int, int]]) -> int:
    """What the lines cost at list price (no discount, no tax), in minor units."""
    return sum(qty * price for qty, price, _ in lines)


def effective_discount_above(
    lines: list[tuple[int, int, int]], totals: Totals, limit_bp: int
) -> bool:
    """Whether the whole quote, before tax, is more than `limit_bp` below list price (exact:
    compared in integers, no rounding at the limit)."""
    listed = list_price(lines)
    if listed <= 0:
        return False
    off = listed - (totals.subtotal - totals.discount)
    return off * int(_HUNDRED_PERCENT) > limit_bp * listed
