"""Veterans and released persons enrolled as residents in their release year (参保当年退役军人、刑满释放等人员).

002 ch.1 十九: "未就业的，在户籍地参加城乡居民医保，按当年缴费标准缴费，自参保缴费之日起享受医保待遇" —
a member certified in one of ``veterans_released.categories`` during the coverage year who pays that
year's contribution within the year has benefits from the payment day, with no waiting period
(``veterans_released.benefits_from`` = ``payment_day``). Employed ones join the employee scheme and
follow its rules; rule sets without these parameters (Shenyang: 001 has no such passage) change nothing.
"""

from __future__ import annotations

from datetime import date

from domain.entitlements.facts import MemberFacts, Payment
from domain.entitlements.periods import has, read
from domain.messages import Message, msg
from domain.policies import Edition, ParameterReading

CATEGORIES = "veterans_released.categories"
BENEFITS_FROM = "veterans_released.benefits_from"
PAYMENT_DAY = "payment_day"


def veterans_released_start(
    year: int, payment: Payment, *, facts: MemberFacts, edition: Edition
) -> tuple[date, Message, tuple[ParameterReading, ...]] | None:
    """Benefits from the payment day for a certified veteran or released person paying in the coverage year."""
    if not has(edition, CATEGORIES) or not has(edition, BENEFITS_FROM):
        return None
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    if not year_start <= payment.paid_on <= year_end:
        return None
    categories = read(edition, CATEGORIES, year_start)
    benefits_from = read(edition, BENEFITS_FROM, year_start)
    assert isinstance(categories.value, tuple)
    if benefits_from.value != PAYMENT_DAY:
        return None
    spans = [
        s
        for s in facts.categories
        if s.category in categories.value
        and year_start <= s.valid_from <= payment.paid_on
        and (s.valid_to is None or s.valid_to >= payment.paid_on)
    ]
    if not spans:
        return None
    span = min(spans, key=lambda s: s.valid_from)
    basis = msg("period.released_enrolled", category=span.category, since=span.valid_from, paid_on=payment.paid_on)
    return payment.paid_on, basis, (categories, benefits_from)
