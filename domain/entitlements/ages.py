"""Person kinds defined by age (reading ``readings.age_kinds``, rules-digest §8).

001 参保范围: 成年居民 = 年满18周岁, so a resident under ``persons.minor_under_age`` is a minor (the
student_or_minor column); 002 ch.2 三十六问: 80周岁(含80岁)以上 from ``persons.age_80_plus_from_age``.
Under the default reading (``from_birth_date``) the kind follows from ``MemberRegistered.birth_date``
on the day asked about (the admission day in settlement); a certified category still counts on its
own, and is needed only where the rule set defines no age for the kind.
"""

from __future__ import annotations

from datetime import date

from domain.entitlements.facts import MemberFacts
from domain.entitlements.periods import has, integer, read
from domain.policies import Edition, ParameterReading

READING = "readings.age_kinds"
#: Person kind → (the parameter holding its age, whether the kind is *under* that age).
AGE_KINDS = {
    "minor": ("persons.minor_under_age", True),
    "age_80_plus": ("persons.age_80_plus_from_age", False),
}


def age_kind(facts: MemberFacts, edition: Edition, kind: str, on: date) -> tuple[bool, tuple[ParameterReading, ...]]:
    """Whether the member is of the age-defined ``kind`` on ``on`` by their birth date, and the readings used."""
    name, under = AGE_KINDS[kind]
    if not has(edition, name) or not has(edition, READING) or facts.birth_on is None:
        return False, ()
    reading = read(edition, READING, on)
    if reading.value != "from_birth_date":
        return False, (reading,)
    age = facts.age_on(on)
    assert age is not None
    limit = read(edition, name, on)
    held = age < integer(limit) if under else age >= integer(limit)
    return held, (reading, limit)
