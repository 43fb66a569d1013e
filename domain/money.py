"""Exact money: integer fen (分) inside, two-decimal yuan strings at the edges.

Every conversion between yuan and fen goes through this module, and the only
rounding in the ledger is :func:`to_fen` (ROUND_HALF_UP to the fen), so a figure
can always be traced to one stated rounding rule.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN_PER_YUAN = 100

#: Rounding applied by :func:`to_fen`: half-up, to the fen (0.005 yuan -> 0.01 yuan).
ROUNDING_MODE = ROUND_HALF_UP

_YUAN_TEXT = re.compile(r"^(0|[1-9][0-9]{0,13})(\.[0-9]{1,2})?$")


class MoneyFormatError(ValueError):
    """A yuan amount that is not a non-negative decimal string with at most two decimals."""


def parse_yuan(text: str) -> int:
    """Parse an exact yuan string ("400", "400.5", "400.00") into fen, never rounding.

    Refuses negatives, more than two decimals, exponents, leading zeros and
    anything that is not a plain decimal string: money at the edge is exact or refused.
    """
    if not isinstance(text, str):
        raise MoneyFormatError('must be a string in yuan with at most two decimals, e.g. "400.00"')
    if not _YUAN_TEXT.match(text):
        if text.startswith("-"):
            raise MoneyFormatError(f"must not be negative (got {text!r})")
        if re.match(r"^[0-9]+\.[0-9]{3,}$", text):
            raise MoneyFormatError(f"must have at most two decimals (got {text!r})")
        raise MoneyFormatError(f'must be a yuan amount like "400.00" (got {text!r})')
    whole, _, decimals = text.partition(".")
    return int(whole) * FEN_PER_YUAN + int((decimals + "00")[:2])


def format_yuan(amount_fen: int) -> str:
    """Format fen as a two-decimal yuan string: 40000 -> "400.00", -5 -> "-0.05"."""
    sign = "-" if amount_fen < 0 else ""
    whole, fen = divmod(abs(amount_fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{fen:02d}"


def to_fen(amount_yuan: Decimal | int | str) -> int:
    """Round an exact yuan amount (e.g. a ratio times an amount) half-up to whole fen.

    This is the ledger's one rounding function. ``Decimal`` in, ``int`` fen out.
    """
    try:
        value = Decimal(amount_yuan)
    except InvalidOperation as error:
        raise MoneyFormatError(f"not a number: {amount_yuan!r}") from error
    return int((value * FEN_PER_YUAN).quantize(Decimal(1), rounding=ROUNDING_MODE))


def fen_times_ratio(amount_fen: int, ratio: Decimal) -> int:
    """``amount_fen × ratio`` rounded half-up to the fen (ratios are exact decimals)."""
    product = Decimal(amount_fen) * ratio
    return int(product.quantize(Decimal(1), rounding=ROUNDING_MODE))


def fen_divided_by_ratio(amount_fen: int, ratio: Decimal) -> int:
    """``amount_fen ÷ ratio`` rounded half-up to the fen: the base a ratio-paid amount stands for."""
    return int((Decimal(amount_fen) / ratio).quantize(Decimal(1), rounding=ROUNDING_MODE))
