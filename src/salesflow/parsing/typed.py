"""Values as a user types them, on the command line or in the board's forms: dates (ISO,
today, +3d, fri, eom …), moments, money in major units, a currency code, and a validation model
built with pydantic's errors turned into one clear line. Both faces call these, so the same text
means the same thing, and fails with the same words, everywhere."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any


def check_typed(word: str) -> None:
    """Refuse text holding a control character (but tab and line feed) or a byte that is not
    UTF-8: the command line checks every argument with it (`cli.errors.check_arguments`) and
    the board every field of its forms, so both refuse the same text with the same words."""
    if word.isprintable():  # the usual case, checked in C
        return
    import unicodedata

    from salesflow.errors import InvalidInput

    for char in word:
        if char in "\t\n" or char.isprintable():
            continue
        category = unicodedata.category(char)
        if category == "Cs":
            raise InvalidInput(
                f"argument {word!a} is not valid UTF-8 text",
                hint="check the terminal's or the script's encoding",
            )
        if category == "Cc":
            raise InvalidInput(
                f"argument {word!a} contains the control character U+{ord(char):04X}",
                hint="control characters are not allowed in text; remove it",
            )


def parse_day(text: str | None) -> date | None:
    """A date as the contract reads dates (ISO, today, +3d, fri, eom …)."""
    if text is None:
        return None
    from salesflow.clock import today
    from salesflow.config import load_config
    from salesflow.parsing.dates import parse_date

    return parse_date(text, today=today(), date_order=load_config().date_order)


def parse_moment(text: str | None) -> datetime | None:
    """A date-time (ISO with a time, or any date form meaning local midnight) as UTC."""
    if text is None:
        return None
    from salesflow.clock import to_utc, today
    from salesflow.config import load_config
    from salesflow.parsing.dates import parse_datetime

    return to_utc(parse_datetime(text, today=today(), date_order=load_config().date_order))


def parse_money_option(text: str | None) -> Decimal | None:
    """Money in major units (`12000`, `12,000.50`, `12.5k`)."""
    if text is None:
        return None
    from salesflow.parsing.money import parse_amount

    return parse_amount(text)


def currency_option(text: str | None) -> str:
    """An ISO 4217 code as typed, else the config's currency."""
    from salesflow.config import load_config
    from salesflow.parsing.money import check_currency

    return check_currency(text if text else load_config().currency)


def validated(model: Any, **values: Any) -> Any:
    """Build a validation model, turning pydantic's errors into one clear line."""
    from pydantic import ValidationError

    from salesflow.errors import InvalidInput

    try:
        return model(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"]).replace("_", "-")
        message = first["msg"].removeprefix("Value error, ")
        raise InvalidInput(f"{name}: {message}" if name else message) from None
