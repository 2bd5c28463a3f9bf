"""What people type: dates in words (`fri`, `+1m`, `eom`) and money in shorthand (`12.5k`)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.errors import InvalidInput
from salesflow.parsing.dates import WEEKDAYS, parse_date
from salesflow.parsing.money import (
    MAX_MINOR,
    check_currency,
    exponent,
    from_minor,
    money_text,
    parse_amount,
    parse_money,
    to_minor,
)

FRIDAY = date(2026, 11, 27)  # the frozen "today" of the test suite


def test_the_reference_day_is_a_friday():
    assert FRIDAY.weekday() == 4


# -- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", FRIDAY),
        ("tomorrow", date(2026, 11, 28)),
        ("yesterday", date(2026, 11, 26)),
        ("  Today ", FRIDAY),
        ("TOMORROW", date(2026, 11, 28)),
        ("+0d", FRIDAY),
        ("+3d", date(2026, 11, 30)),
        ("+2w", date(2026, 12, 11)),
        ("+1m", date(2026, 12, 27)),
        ("+2m", date(2027, 1, 27)),
        ("+1y", date(2027, 11, 27)),
        ("-1d", date(2026, 11, 26)),
        ("-2w", date(2026, 11, 13)),
        ("-1m", date(2026, 10, 27)),
        ("+365d", date(2027, 11, 27)),
        # weekday names: the next such day, today included; `next` skips today
        ("fri", FRIDAY),
        ("friday", FRIDAY),
        ("Fri", FRIDAY),
        ("next fri", date(2026, 12, 4)),
        ("next friday", date(2026, 12, 4)),
        ("NEXT  Fri", date(2026, 12, 4)),
        ("sat", date(2026, 11, 28)),
        ("sun", date(2026, 11, 29)),
        ("mon", date(2026, 11, 30)),
        ("monday", date(2026, 11, 30)),
        ("next monday", date(2026, 11, 30)),
        ("tue", date(2026, 12, 1)),
        ("wed", date(2026, 12, 2)),
        ("thu", date(2026, 12, 3)),
        ("next thursday", date(2026, 12, 3)),
        # end of week (Sunday) and of month
        ("eow", date(2026, 11, 29)),
        ("eom", date(2026, 11, 30)),
        ("EOM", date(2026, 11, 30)),
        # ISO 8601
        ("2026-12-01", date(2026, 12, 1)),
        ("2028-02-29", date(2028, 2, 29)),
        ("20261201", date(2026, 12, 1)),
        ("2026-12-01T10:30", date(2026, 12, 1)),
    ],
)
def test_parse_date_from_a_friday(text, expected):
    assert parse_date(text, today=FRIDAY) == expected


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (date(2026, 1, 31), "+1m", date(2026, 2, 28)),  # month ends are clamped
        (date(2028, 1, 31), "+1m", date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), "-1m", date(2026, 2, 28)),
        (date(2026, 3, 31), "+1m", date(2026, 4, 30)),
        (date(2026, 8, 31), "+6m", date(2027, 2, 28)),
        (date(2028, 2, 29), "+1y", date(2029, 2, 28)),
        (date(2026, 12, 31), "+1d", date(2027, 1, 1)),
        (date(2026, 1, 1), "-1d", date(2025, 12, 31)),
        (date(2026, 11, 30), "mon", date(2026, 11, 30)),
        (date(2026, 11, 30), "next mon", date(2026, 12, 7)),
        (date(2026, 11, 29), "eow", date(2026, 11, 29)),  # on a Sunday, eow is today
        (date(2026, 11, 30), "eow", date(2026, 12, 6)),
        (date(2028, 2, 3), "eom", date(2028, 2, 29)),
        (date(2026, 2, 3), "eom", date(2026, 2, 28)),
        (date(2026, 12, 31), "eom", date(2026, 12, 31)),
    ],
)
def test_parse_date_relative_to_other_days(today, text, expected):
    assert parse_date(text, today=today) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "someday",
        "next",
        "next week",
        "fri next",
        "2026-02-30",  # not a real date
        "2026-02-29",  # 2026 is not a leap year
        "2026-13-01",
        "2026-00-10",
        "2026-1-5",
        "2026/04/03",
        "03/04/2026",  # ambiguous without date_order
        "3.4.2026",
        "+3",
        "3d",
        "+3x",
        "++3d",
        "+99999d",
        "+9999y",  # past the end of the calendar
        "-9999y",
        "2026-12-01T25:00",
    ],
)
def test_parse_date_refuses(text):
    with pytest.raises(InvalidInput) as refused:
        parse_date(text, today=FRIDAY)
    assert refused.value.message
    assert "\n" not in refused.value.message


def test_an_impossible_date_says_so():
    with pytest.raises(InvalidInput, match="not a real date"):
        parse_date("2026-02-30", today=FRIDAY)


def test_slashed_dates_need_a_date_order():
    with pytest.raises(InvalidInput, match="ambiguous") as refused:
        parse_date("03/04/2026", today=FRIDAY)
    assert "date_order" in (refused.value.hint or "")
    assert parse_date("03/04/2026", today=FRIDAY, date_order="DMY") == date(2026, 4, 3)
    assert parse_date("03/04/2026", today=FRIDAY, date_order="MDY") == date(2026, 3, 4)
    assert parse_date("3.4.2026", today=FRIDAY, date_order="DMY") == date(2026, 4, 3)
    assert parse_date("31/12/2026", today=FRIDAY, date_order="DMY") == date(2026, 12, 31)
    # ISO and words are unaffected by date_order
    assert parse_date("2026-04-03", today=FRIDAY, date_order="MDY") == date(2026, 4, 3)
    assert parse_date("fri", today=FRIDAY, date_order="DMY") == FRIDAY


@pytest.mark.parametrize(
    ("text", "order"),
    [("31/04/2026", "DMY"), ("04/31/2026", "MDY"), ("12/13/2026", "DMY"), ("03/04/2026", "YMD")],
)
def test_slashed_dates_are_still_checked(text, order):
    with pytest.raises(InvalidInput):
        parse_date(text, today=FRIDAY, date_order=order)


days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@given(day=days, n=st.integers(min_value=0, max_value=9999))
def test_day_offsets_are_plain_arithmetic(day, n):
    assert parse_date(f"+{n}d", today=day) == day + timedelta(days=n)
    assert parse_date(f"-{n}d", today=day) == day - timedelta(days=n)
    assert parse_date(f"+{n}w", today=day) == day + timedelta(weeks=n)


@given(day=days, name=st.sampled_from(sorted(WEEKDAYS)))
def test_weekday_names_land_on_that_weekday(day, name):
    this = parse_date(name, today=day)
    following = parse_date(f"next {name}", today=day)
    assert this.weekday() == following.weekday() == WEEKDAYS[name]
    assert 0 <= (this - day).days <= 6
    assert 1 <= (following - day).days <= 7


@given(day=days, n=st.integers(min_value=0, max_value=120))
def test_month_offsets_stay_in_the_target_month(day, n):
    moved = parse_date(f"+{n}m", today=day)
    months = (moved.year - day.year) * 12 + moved.month - day.month
    assert months == n
    assert moved.day == day.day or (moved.day < day.day and (moved + timedelta(days=1)).day == 1)


@given(day=days)
def test_eow_and_eom(day):
    eow, eom = parse_date("eow", today=day), parse_date("eom", today=day)
    assert eow.weekday() == 6
    assert 0 <= (eow - day).days <= 6
    assert (eom.year, eom.month) == (day.year, day.month)
    assert (eom + timedelta(days=1)).day == 1


# -- money --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12000", Decimal("12000")),
        ("0", Decimal("0")),
        ("12,000.50", Decimal("12000.50")),
        ("1,234,567.89", Decimal("1234567.89")),
        ("999", Decimal("999")),
        ("12.5k", Decimal("12500")),
        ("12.5K", Decimal("12500")),
        ("12k", Decimal("12000")),
        ("1.2m", Decimal("1200000")),
        ("1M", Decimal("1000000")),
        ("1,500k", Decimal("1500000")),
        ("0.5", Decimal("0.5")),
        (".5", Decimal("0.5")),
        ("1.2345k", Decimal("1234.5")),
        (" 12 000 ", Decimal("12000")),
        ("12_000", Decimal("12000")),
        ("1_000", Decimal("1000")),
        (" 12", Decimal("12")),
        ("1 000 000.50", Decimal("1000000.50")),
        ("1,000,000.00", Decimal("1000000.00")),
        ("12\u00a0000", Decimal("12000")),  # a no-break space, as spreadsheets write it
        ("1\u202f234\u202f567", Decimal("1234567")),  # a narrow no-break space (French)
        ("12 000k", Decimal("12000000")),
    ],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["12.5k", "1.2m", "1m", "3k"])
def test_shorthand_amounts_print_plainly(text):
    assert "E" not in str(parse_amount(text))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "12..5",
        "1.2.3",
        "1,00",  # grouping must be in threes
        "1,0000",
        "1,000,00",
        "12,34,567",
        ",100",
        "100,",
        "1.",
        "-5",
        "-0.01",
        "+5",
        "1e5",
        "NaN",
        "Infinity",
        "k",
        "12kk",
        "12km",
        "$12",
        "12 USD",
        "0x10",
        # M51: grouping that is not groups of three after a first group of 1 to 3 digits
        "1 2",
        "12 00",
        "1_0",
        "1__0",
        "_1",
        "1_",
        "1000 000",
        "1 000,000",  # two separator kinds
        "1,000_000",
        "1  000",
        "12 k",
        "1 2.5",
    ],
)
def test_parse_amount_refuses(text):
    with pytest.raises(InvalidInput):
        parse_amount(text)


def test_negative_amount_says_negative():
    with pytest.raises(InvalidInput, match="negative"):
        parse_amount("-5")


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12000", "USD", 1_200_000),
        ("12,000.50", "EUR", 1_200_050),
        ("12.5k", "GBP", 1_250_000),
        ("0.01", "USD", 1),
        ("1500", "JPY", 1500),  # JPY has no minor unit
        ("1.5k", "JPY", 1500),
        ("1,500.00", "JPY", 1500),  # zeros past the point are fine
        ("1.234", "KWD", 1234),  # KWD has 3 decimals
        ("0.001", "BHD", 1),
        ("1.2345", "CLF", 12345),  # CLF has 4
        ("9999999999999.99", "USD", MAX_MINOR - 1),
    ],
)
def test_parse_money_to_minor_units(text, currency, minor):
    assert parse_money(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("1.234", "USD"),
        ("0.001", "EUR"),
        ("1.5", "JPY"),
        ("1.2345", "KWD"),
        ("1.00000000000000000000000000001k", "USD"),  # beyond Decimal's default 28 digits
        ("10000000000000", "USD"),  # too large
        ("1000000000000000", "JPY"),
        ("99999999999999999999999999999999999m", "USD"),
    ],
)
def test_parse_money_refuses(text, currency):
    with pytest.raises(InvalidInput):
        parse_money(text, currency)


def test_too_many_decimals_names_the_currency():
    with pytest.raises(InvalidInput, match=r"more decimals than USD allows \(2\)"):
        parse_money("1.234", "USD")


@pytest.mark.parametrize(
    ("currency", "places"),
    [("USD", 2), ("EUR", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3), ("BHD", 3), ("CLF", 4)],
)
def test_exponents(currency, places):
    assert exponent(currency) == places


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (1_200_000, "USD", "12000.00"),
        (1_200_050, "USD", "12000.50"),
        (0, "USD", "0.00"),
        (1, "USD", "0.01"),
        (1500, "JPY", "1500"),
        (0, "JPY", "0"),
        (1234, "KWD", "1.234"),
        (1, "KWD", "0.001"),
        (1, "CLF", "0.0001"),
        (MAX_MINOR - 1, "USD", "9999999999999.99"),
    ],
)
def test_money_text(minor, currency, text):
    assert money_text(minor, currency) == text


@pytest.mark.parametrize(
    ("code", "expected"), [("USD", "USD"), ("usd", "USD"), (" eur ", "EUR"), ("Jpy", "JPY")]
)
def test_check_currency(code, expected):
    assert check_currency(code) == expected


@pytest.mark.parametrize("code", ["XYZ", "US", "USDD", "", "$", "EURO"])
def test_check_currency_refuses(code):
    with pytest.raises(InvalidInput, match="currency"):
        check_currency(code)


CURRENCIES = ["USD", "EUR", "GBP", "JPY", "KRW", "KWD", "BHD", "CLF"]


@st.composite
def amounts(draw):
    """A currency and a non-negative amount with exactly that currency's places, in range."""
    currency = draw(st.sampled_from(CURRENCIES))
    places = exponent(currency)
    largest = (Decimal(MAX_MINOR) - 1).scaleb(-places)
    amount = draw(
        st.decimals(
            min_value=0, max_value=largest, places=places, allow_nan=False, allow_infinity=False
        )
    )
    return currency, amount


@given(amounts())
def test_minor_units_round_trip(pair):
    currency, amount = pair
    minor = to_minor(amount, currency)
    assert isinstance(minor, int)
    assert from_minor(minor, currency) == amount
    assert str(from_minor(minor, currency)) == money_text(minor, currency)


@given(
    currency=st.sampled_from(CURRENCIES), minor=st.integers(min_value=0, max_value=MAX_MINOR - 1)
)
def test_money_text_round_trips(currency, minor):
    text = money_text(minor, currency)
    assert "E" not in text
    assert len(text.partition(".")[2]) == exponent(currency)
    assert parse_money(text, currency) == minor
    assert to_minor(from_minor(minor, currency), currency) == minor


@given(amounts())
def test_grouped_amounts_parse_back(pair):
    currency, amount = pair
    assert parse_amount(f"{amount:,}") == amount
    assert parse_money(f"{amount:,}", currency) == to_minor(amount, currency)


SEPARATORS = [",", "_", " ", "\u00a0", "\u202f"]


@given(amounts(), st.sampled_from(SEPARATORS))
def test_well_grouped_amounts_parse_back_with_any_separator(pair, separator):
    _, amount = pair
    text = f"{amount:,}".replace(",", separator)
    assert parse_amount(text) == amount


@given(st.integers(min_value=10, max_value=10**15), st.data(), st.sampled_from(SEPARATORS))
def test_a_separator_off_the_thousands_is_refused(number, data, separator):
    digits = str(number)
    # a separator that does not leave a multiple of three digits after it is not grouping
    at = data.draw(st.sampled_from([i for i in range(1, len(digits)) if (len(digits) - i) % 3]))
    with pytest.raises(InvalidInput, match="is not an amount"):
        parse_amount(digits[:at] + separator + digits[at:])
