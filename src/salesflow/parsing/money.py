"""Money as people type it (`12000`, `12,000.50`, `12.5k`) and as we store it (minor units).

Amounts are `Decimal` in code and integers of the currency's minor unit in the database.
"""

from __future__ import annotations

import re
from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_UP, Context, Decimal, InvalidOperation

from salesflow.errors import InvalidInput

# ISO 4217 active codes. Exponent 2 unless listed in _EXPONENTS.
_CODES = frozenset(
    " ".join(
        (
            "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV",
            "BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK",
            "DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL",
            "HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT",
            "LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR",
            "MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF",
            "SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP",
            "TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG",
            "XOF XPF YER ZAR ZMW ZWG",
        )
    ).split()
)
_EXPONENTS = {
    **dict.fromkeys(
        "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(), 0
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    "CLF": 4,
    "UYW": 4,
}
# Digits grouped in threes after a first group of 1 to 3 (12,000 · 1 000 000 · 1_000), one
# separator kind per number (a comma, an underscore, a space, a no-break or narrow no-break
# space), or not grouped at all; then decimals and a k/m suffix.
_AMOUNT = re.compile(
    r"(?P<whole>\d{1,3}(?P<sep>[,_ \u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*|\d+)?"
    r"(?:\.(?P<fraction>\d+))?(?P<suffix>[kKmM])?",
    re.ASCII,
)
MAX_MINOR = 10**15  # fits a 64-bit integer with room for sums of a million deals


def check_currency(code: str) -> str:
    """An ISO 4217 code, upper-cased, or InvalidInput."""
    norm = code.strip().upper()
    if norm not in _CODES:
        raise InvalidInput(
            f"unknown currency code {code!r}", hint="use an ISO 4217 code such as USD, EUR or GBP"
        )
    return norm


def exponent(currency: str) -> int:
    """How many decimal places the currency's minor unit has."""
    return _EXPONENTS.get(currency, 2)


def parse_amount(text: str) -> Decimal:
    """A non-negative amount in major units from `12000`, `12,000.50`, `12 000` or `12.5k`.

    Digit grouping is read only where it is well formed: `1 2`, `12 00`, `1_0` or `1,00` are
    not amounts (deleting the separators first would read them as 12, 1200, 10 and 100)."""
    raw = text.strip()
    if raw.startswith("-"):
        raise InvalidInput(f"amount {text!r} is negative", hint="amounts are zero or more")
    match = _AMOUNT.fullmatch(raw)
    if not raw or not match or not (match["whole"] or match["fraction"]):
        raise InvalidInput(f"{text!r} is not an amount", hint="e.g. 12000, 12,000.50 or 12.5k")
    whole = match["whole"] or "0"
    if match["sep"]:
        whole = whole.replace(match["sep"], "")
    fraction = match["fraction"]
    try:
        amount = Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation:
        raise InvalidInput(f"{text!r} is not an amount") from None
    suffix = (match["suffix"] or "").lower()
    if suffix:
        amount = amount.scaleb(3 if suffix == "k" else 6, _exact(amount))
        shift = amount.as_tuple().exponent
        if isinstance(shift, int) and shift > 0:  # 12.5k is 12500, not 1.25E+4
            amount = amount.quantize(Decimal(1), context=Context(prec=amount.adjusted() + 2))
    return amount


def _exact(amount: Decimal) -> Context:
    """A context wide enough that shifting `amount`'s decimal point never rounds it: the default
    28 digits would turn 1.00000000000000000000000000001k into an acceptable 1000.00."""
    return Context(prec=max(28, len(amount.as_tuple().digits) + 2), Emax=MAX_EMAX, Emin=MIN_EMIN)


def to_minor(amount: Decimal, currency: str) -> int:
    """Major units to integer minor units, refusing fractions the currency cannot hold."""
    if not amount.is_finite():
        raise InvalidInput(f"{amount} is not an amount")
    scaled = amount.scaleb(exponent(currency), _exact(amount))
    if scaled != scaled.to_integral_value():
        raise InvalidInput(
            f"{amount} has more decimals than {currency} allows ({exponent(currency)})"
        )
    if scaled.copy_abs() >= MAX_MINOR:  # before int(): 1E+999999 would be a huge int
        raise InvalidInput(f"amount {amount} {currency} is too large")
    return int(scaled)


def round_minor(amount: Decimal, currency: str) -> int:
    """Major units to minor units, rounding half-up (for computed amounts, not typed ones)."""
    return int(amount.scaleb(exponent(currency)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor(minor: int, currency: str) -> Decimal:
    """Integer minor units back to a Decimal in major units, with the currency's places."""
    places = exponent(currency)
    return Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def money_text(minor: int, currency: str) -> str:
    """The JSON form: a decimal string in major units ("12000.00")."""
    return str(from_minor(minor, currency))


def parse_money(text: str, currency: str) -> int:
    """What the user typed, in minor units of `currency`."""
    return to_minor(parse_amount(text), currency)
