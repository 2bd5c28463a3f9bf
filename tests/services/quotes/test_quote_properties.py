"""Quote arithmetic properties for any lines, discounts and tax (Hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from salesflow.services.quote_math import line_amount, quote_totals

percent = st.integers(0, 10000)  # hundredths of a percent: 0–100%
lines = st.lists(
    st.tuples(st.integers(1, 10_000), st.integers(0, 10**9), percent), min_size=1, max_size=12
)


@given(lines, percent, percent)
def test_total_is_discounted_subtotal_plus_tax_and_never_negative(items, discount, tax):
    t = quote_totals(items, discount_bp=discount, tax_bp=tax)
    assert t.total == t.subtotal - t.discount + t.tax
    assert t.subtotal == sum(t.lines)
    assert 0 <= t.discount <= t.subtotal
    assert t.tax >= 0 and t.total >= 0


@given(st.integers(1, 10_000), st.integers(0, 10**9), percent)
def test_a_line_never_exceeds_qty_times_price(qty, price, discount):
    amount = line_amount(qty, price, discount)
    assert 0 <= amount <= qty * price


@given(lines, percent, percent, st.randoms())
def test_line_order_changes_nothing(items, discount, tax, rnd):
    shuffled = list(items)
    rnd.shuffle(shuffled)
    a = quote_totals(items, discount_bp=discount, tax_bp=tax)
    b = quote_totals(shuffled, discount_bp=discount, tax_bp=tax)
    assert (a.subtotal, a.discount, a.tax, a.total) == (b.subtotal, b.discount, b.tax, b.total)
