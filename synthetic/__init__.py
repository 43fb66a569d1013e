"""Synthetic populations: realistic, reproducible member histories as contract-v1 events.

:func:`generate_population` streams, member by member and in member-number order, the events an
insurance system would post for a simulated population of one region (Shenyang or Bazhong):
registrations and births, certified categories, resident contributions (mostly in the central
window, some late, gap years and their repairs), employee contributions by whole months (arrears
back-paid, transfers in), switches between the schemes, deaths, remote-care filings, certified
conditions and claims with their reversals (``synthetic.care``).

Everything that shapes the population — shares of late payers, gap rates, claim frequencies,
bill distributions — is a named simulation constant below (or in ``synthetic.care``): an
assumption about people, never a policy figure. Policy figures (contribution amounts and rates,
the central window, the newborn limit, facility levels and condition names the rule sets know)
come from the rule sets through ``synthetic.rules``.

Reproducible: member ``n`` draws from its own ``random.Random(f"{seed}:{n}")``, so any range of
members can be generated alone and gives the same events; event ids are uuid5 of the population's
arguments, the member and the event's position. Constant memory: one member's events at a time.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.policies import Edition
from synthetic.care import simulate_care
from synthetic.contributions import (
    birthday,
    month_end,
    month_index,
    pay_employee_spells,
    pay_resident_years,
)
from synthetic.corrections import add_corrections_and_moves, resolve_retractions
from synthetic.rules import EMPLOYEE, GAP, RESIDENT, RegionRules, region_rules

#: Regions a population can be generated for, with the prefix of their member ids.
MEMBER_ID_PREFIX_BY_REGION: Mapping[str, str] = {"shenyang": "SY", "bazhong": "BZ"}
#: Digits of the member number (zero-padded; a larger number simply has more digits).
MEMBER_NUMBER_DIGITS = 6
#: Most members one call generates, and most simulated years (limits everywhere).
MEMBERS_MAX = 100_000_000
YEARS_MAX = 50
#: The ``source`` of every generated event.
SOURCE = "ledger-synth"
#: Namespace of generated event ids (uuid5 of the population key, the member and the event's position).
EVENT_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:member-benefits-ledger:synthetic-population")

# --------------------------------------------------------------------------- simulation assumptions

#: Share of members born during the period (newborns, 新生儿); the others are alive at its start.
NEWBORN_SHARE = 0.04
#: Ages at the start of the period: (lowest, highest, weight) — roughly a Chinese city's age pyramid.
AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (0, 5, 0.05),
    (6, 17, 0.12),
    (18, 22, 0.06),
    (23, 44, 0.30),
    (45, 59, 0.23),
    (60, 79, 0.20),
    (80, 95, 0.04),
)
#: Employees retire at these ages by sex (simulation: the ages before the 2025 reform, women as workers).
RETIREMENT_AGE_BY_SEX: Mapping[str, int] = {"M": 60, "F": 50}
#: Share of 18-22-year-olds who are university students (大学生, resident scheme).
UNIVERSITY_STUDENT_SHARE = 0.45
#: Age from which the age_80_plus category is certified.
AGE_80_PLUS = 80
#: Yearly chance of death by age: (below this age, chance).
DEATH_RATE_BY_AGE: tuple[tuple[int, float], ...] = ((60, 0.002), (70, 0.01), (80, 0.03), (200, 0.08))
#: Yearly chance an in-service employee leaves the job and joins the resident scheme the next year.
EMPLOYEE_TO_RESIDENT_RATE = 0.03
#: The month an employee who switches leaves (lowest, highest): late in the year, since a resident year is a
#: calendar year.
EMPLOYEE_LEAVING_MONTH_RANGE = (7, 12)
#: Yearly chance a working-age resident takes a job and joins the employee scheme from January.
RESIDENT_TO_EMPLOYEE_RATE = 0.03
#: Yearly chance a resident pays nothing (a gap year, 断保) after a paid year, and after a gap year.
RESIDENT_GAP_YEAR_RATE = 0.05
RESIDENT_GAP_CONTINUES_RATE = 0.35
#: Low-income categories certified among residents: (category, share).
LOW_INCOME_SHARES: tuple[tuple[str, float], ...] = (
    ("minimum_living", 0.03),
    ("extreme_poverty", 0.005),
    ("near_minimum", 0.01),
    ("monitored", 0.01),
)
#: Share of low-income certifications made before the period, and share revoked during it.
LOW_INCOME_BEFORE_PERIOD_SHARE = 0.6
LOW_INCOME_REVOKED_SHARE = 0.2
#: Share of Bazhong in-service employees certified as civil servants (公务员医疗补助).
CIVIL_SERVANT_SHARE = 0.08
CIVIL_SERVANT_REGIONS: tuple[str, ...] = ("bazhong",)


@dataclass(frozen=True)
class Population:
    """The arguments that fix a population's content; its event ids depend on every one of them."""

    region: str
    seed: int
    first_year: int
    last_year: int
    scheme_mix: float
    rules: RegionRules
    recorded_at_occurred: bool = False
    #: Shares of members with a mistaken event and its retraction, and of employees moving away
    #: (``synthetic.corrections``); 0 leaves the population as without them.
    correction_share: float = 0.0
    move_share: float = 0.0

    @property
    def key(self) -> str:
        # The shares of corrections and moves are left out: their events are named apart ("added"), drawn from
        # their own random stream, and the same member's addition is the same content under any share.
        return f"{self.seed}:{self.region}:{self.first_year}:{self.last_year}:{self.scheme_mix!r}"


@dataclass
class Life:
    """One simulated member: their random stream, their facts so far and the events they caused."""

    population: Population
    member_id: str
    rng: random.Random
    sex: str = "M"
    birth_on: date = date(1970, 1, 1)
    newborn: bool = False
    registered_on: date = date(1970, 1, 1)
    life_end: date = date(1970, 1, 1)
    university: bool = False
    low_income: str | None = None
    low_income_from: date | None = None
    low_income_to: date | None = None
    plan: dict[int, str] = field(default_factory=dict)
    leave_month: dict[int, int] = field(default_factory=dict)
    resident_paid: dict[int, date] = field(default_factory=dict)
    employee_months: set[int] = field(default_factory=set)
    events: list[tuple[date, int, str, dict[str, Any]]] = field(default_factory=list)
    #: Events added so far (each event's second element is the order it was added in, kept when some are dropped).
    added: int = 0
    claim_count: int = 0

    @property
    def rules(self) -> RegionRules:
        return self.population.rules

    @property
    def period_start(self) -> date:
        return date(self.population.first_year, 1, 1)

    @property
    def period_end(self) -> date:
        return date(self.population.last_year, 12, 31)

    def add(self, occurred_on: date, event_type: str, data: dict[str, Any]) -> None:
        assert occurred_on <= self.period_end, f"{self.member_id}: {event_type} on {occurred_on} after the period"
        self.events.append((occurred_on, self.added, event_type, data))
        self.added += 1

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_on.month, self.birth_on.day)
        return day.year - self.birth_on.year - int(before_birthday)

    def day_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def retired_on(self) -> date:
        """The first of the month after the birthday at retirement age."""
        age = RETIREMENT_AGE_BY_SEX[self.sex]
        reached_on = birthday(self.birth_on, age)
        return date(reached_on.year + reached_on.month // 12, reached_on.month % 12 + 1, 1)

    def working_age(self, day: date) -> bool:
        return 18 <= self.age_on(day) < RETIREMENT_AGE_BY_SEX[self.sex]

    def scheme_on(self, day: date) -> str | None:
        """The scheme the member paid for on ``day`` (employee first), or None when uninsured."""
        if day < self.birth_on or day > self.life_end:
            return None
        if month_index(day) in self.employee_months:
            return EMPLOYEE
        return RESIDENT if day.year in self.resident_paid else None

    def next_claim_id(self) -> str:
        self.claim_count += 1
        return f"{self.member_id}-C{self.claim_count:04d}"


def generate_population(
    *,
    members: int,
    years: int,
    region: str,
    seed: int,
    start_year: int = 2025,
    scheme_mix: float = 0.3,
    recorded_at_occurred: bool = False,
    first_member: int = 1,
    editions: Mapping[str, Edition] | None = None,
    correction_share: float = 0.0,
    move_share: float = 0.0,
) -> Iterator[dict[str, Any]]:
    """Stream the events of members ``first_member`` .. ``first_member + members - 1``, member by member.

    ``scheme_mix`` is the share of working-age and retired adults in the employee scheme at the start.
    ``editions`` defaults to the packaged rule book (read once, when the first event is asked for).
    ``correction_share`` and ``move_share`` add mistakes with their retractions and moves away
    (``synthetic.corrections``).
    """
    _check(members=members, years=years, region=region, scheme_mix=scheme_mix, first_member=first_member)
    for name, share in (("correction_share", correction_share), ("move_share", move_share)):
        if not 0 <= share <= 1:
            raise ValueError(f"{name} must be a share between 0 and 1 (got {share})")
    if editions is None:
        from projections.rulebook import load_rulebook

        editions = load_rulebook()
    last_year = start_year + years - 1
    rules = region_rules(editions, region=region, first_year=start_year, last_year=last_year)
    population = Population(
        region, seed, start_year, last_year, scheme_mix, rules, recorded_at_occurred, correction_share, move_share
    )
    for number in range(first_member, first_member + members):
        yield from member_events(population, number)


def _check(*, members: int, years: int, region: str, scheme_mix: float, first_member: int) -> None:
    if not 1 <= members <= MEMBERS_MAX:
        raise ValueError(f"members must be 1..{MEMBERS_MAX} (got {members})")
    if not 1 <= years <= YEARS_MAX:
        raise ValueError(f"years must be 1..{YEARS_MAX} (got {years})")
    if region not in MEMBER_ID_PREFIX_BY_REGION:
        raise ValueError(f"region must be one of {', '.join(MEMBER_ID_PREFIX_BY_REGION)} (got {region!r})")
    if not 0 <= scheme_mix <= 1:
        raise ValueError(f"scheme_mix must be a share between 0 and 1 (got {scheme_mix})")
    if first_member < 1:
        raise ValueError(f"first_member must be at least 1 (got {first_member})")


def member_events(population: Population, number: int) -> list[dict[str, Any]]:
    """Every event of member ``number``, in effective-date order, as contract-v1 JSON objects."""
    member_id = f"{MEMBER_ID_PREFIX_BY_REGION[population.region]}-{number:0{MEMBER_NUMBER_DIGITS}d}"
    life = Life(population, member_id, random.Random(f"{population.seed}:{number}"))
    _simulate_person(life)
    life.add(
        life.registered_on,
        "MemberRegistered",
        {"region": population.region, "birth_date": life.birth_on.isoformat(), "sex": life.sex},
    )
    _plan_years(life)
    _certify_categories(life)
    pay_resident_years(life)
    pay_employee_spells(life)
    _end_coverage(life)
    simulate_care(life)
    simulated = life.added
    add_corrections_and_moves(
        life,
        correction_share=population.correction_share,
        move_share=population.move_share,
        seed_key=f"{population.seed}:{number}",
    )
    life.events.sort(key=lambda item: (item[0], item[1]))
    events = []
    id_by_index: dict[int, str] = {}
    position = 0
    for occurred_on, index, event_type, data in life.events:
        # The simulated events keep the ids they have without corrections and moves; added ones get their own.
        if index < simulated:
            name = f"{population.key}:{member_id}:{position}"
            position += 1
        else:
            name = f"{population.key}:{member_id}:added:{index}"
        event_id = str(uuid.uuid5(EVENT_ID_NAMESPACE, name))
        id_by_index[index] = event_id
        event: dict[str, Any] = {
            "event_id": event_id,
            "member_id": member_id,
            "type": event_type,
            "occurred_on": occurred_on.isoformat(),
            "source": SOURCE,
            "data": data,
        }
        if population.recorded_at_occurred:
            event["recorded_at"] = f"{occurred_on.isoformat()}T00:00:00Z"
        events.append(event)
    resolve_retractions(events, id_by_index)
    return events


def json_line(event: Mapping[str, Any]) -> str:
    """One event as a line of JSON Lines: sorted keys, compact, UTF-8 text (byte-identical run after run)."""
    return json.dumps(event, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# --------------------------------------------------------------------------- who the member is


def _simulate_person(life: Life) -> None:
    rng, population = life.rng, life.population
    life.sex = "F" if rng.random() < 0.5 else "M"
    if rng.random() < NEWBORN_SHARE:
        life.newborn = True
        life.birth_on = life.day_between(life.period_start, life.period_end)
        life.registered_on = life.birth_on
    else:
        low, high, _ = rng.choices(AGE_BANDS, weights=[band[2] for band in AGE_BANDS])[0]
        age = rng.randint(low, high)
        life.birth_on = life.day_between(
            date(population.first_year - age - 1, 1, 1), date(population.first_year - age - 1, 12, 31)
        )
        life.registered_on = date(population.first_year - 1, 1, 1)
        life.university = 18 <= age <= 22 and rng.random() < UNIVERSITY_STUDENT_SHARE
    life.life_end = life.period_end
    for year in range(max(population.first_year, life.birth_on.year), population.last_year + 1):
        age = life.age_on(date(year, 7, 1))
        rate = next(chance for below, chance in DEATH_RATE_BY_AGE if age < below)
        if rng.random() < rate:
            life.life_end = life.day_between(max(date(year, 1, 1), life.birth_on), date(year, 12, 31))
            break
    if not life.newborn:
        for category, share in LOW_INCOME_SHARES:
            if rng.random() < share:
                life.low_income = category
                break


def _plan_years(life: Life) -> None:
    """Which scheme the member is in each year, when employees leave, which resident years are gaps."""
    rng, population = life.rng, life.population
    first = life.birth_on.year if life.newborn else population.first_year
    mid_first = max(date(first, 7, 1), life.birth_on)
    adult = not life.newborn and life.age_on(mid_first) >= 18 and not life.university
    scheme = EMPLOYEE if adult and rng.random() < population.scheme_mix else RESIDENT
    gap_before = False
    for year in range(first, min(population.last_year, life.life_end.year) + 1):
        mid_year = date(year, 7, 1)
        can_switch = year < min(population.last_year, life.life_end.year)
        if scheme == EMPLOYEE:
            life.plan[year] = EMPLOYEE
            if can_switch and life.working_age(mid_year) and rng.random() < EMPLOYEE_TO_RESIDENT_RATE:
                life.leave_month[year] = rng.randint(*EMPLOYEE_LEAVING_MONTH_RANGE)
                scheme = RESIDENT
            continue
        birth_year = life.newborn and year == life.birth_on.year
        gap_rate = RESIDENT_GAP_CONTINUES_RATE if gap_before else RESIDENT_GAP_YEAR_RATE
        # Low-income members' contributions are paid or waived by assistance: they never lapse.
        gap_before = not birth_year and life.low_income is None and rng.random() < gap_rate
        life.plan[year] = GAP if gap_before else RESIDENT
        studying = life.university and life.age_on(mid_year) <= 22
        if can_switch and life.working_age(mid_year) and not studying and rng.random() < RESIDENT_TO_EMPLOYEE_RATE:
            scheme = EMPLOYEE


# --------------------------------------------------------------------------- certified categories


def _certify(life: Life, category: str, valid_from: date, valid_to: date | None = None) -> None:
    """A CategoryCertified recorded when it took effect, or at registration for one held before."""
    occurred_on = max(valid_from, life.registered_on)
    if occurred_on > life.life_end or (valid_to is not None and valid_to < life.registered_on):
        return
    data: dict[str, Any] = {"category": category, "valid_from": valid_from.isoformat()}
    if valid_to is not None:
        data["valid_to"] = valid_to.isoformat()
    life.add(occurred_on, "CategoryCertified", data)


def _certify_categories(life: Life) -> None:
    rng, birth_on = life.rng, life.birth_on
    if life.newborn:
        _certify(life, "newborn", birth_on, date(birth_on.year, 12, 31))
    six, eighteen = birth_on.year + 6, birth_on.year + 18
    minor_from = date(birth_on.year + 1, 1, 1) if life.newborn else birth_on
    if minor_from.year < six:
        _certify(life, "minor", minor_from, date(six, 8, 31))
    _certify(life, "student", date(six, 9, 1), date(eighteen, 8, 31))
    if life.university:
        _certify(life, "university_student", date(eighteen, 9, 1), date(birth_on.year + 22, 7, 31))
    employee_years = [year for year, scheme in life.plan.items() if scheme == EMPLOYEE]
    retired_on = life.retired_on()
    if employee_years and retired_on.year <= max(employee_years):
        _certify(life, "retired", retired_on)
    eighty = birthday(birth_on, AGE_80_PLUS)
    if eighty <= life.period_end:
        _certify(life, "age_80_plus", eighty)
    region, first_year = life.population.region, life.population.first_year
    in_service_at_start = life.plan.get(first_year) == EMPLOYEE and retired_on > life.period_start
    if region in CIVIL_SERVANT_REGIONS and in_service_at_start and rng.random() < CIVIL_SERVANT_SHARE:
        _certify(life, "civil_servant", date(first_year - rng.randint(1, 20), 1, 1))
    if life.low_income is not None:
        if rng.random() < LOW_INCOME_BEFORE_PERIOD_SHARE:
            valid_from = date(first_year - rng.randint(1, 5), rng.randint(1, 12), 1)
        else:
            valid_from = life.day_between(life.period_start, life.life_end)
        _certify(life, life.low_income, valid_from)
        life.low_income_from = valid_from
        if rng.random() < LOW_INCOME_REVOKED_SHARE:
            valid_to = life.day_between(max(valid_from, life.period_start), life.life_end)
            life.add(valid_to, "CategoryRevoked", {"category": life.low_income, "valid_to": valid_to.isoformat()})
            life.low_income_to = valid_to


def _end_coverage(life: Life) -> None:
    """Employees who leave for the resident scheme, and deaths, end coverage (CoverageEnded)."""
    for year, month in sorted(life.leave_month.items()):
        ended_on = month_end(year, month)
        if ended_on <= life.life_end:
            life.add(ended_on, "CoverageEnded", {"scheme": EMPLOYEE, "reason": "left_employment"})
    if life.life_end < life.period_end:
        scheme = life.scheme_on(life.life_end)
        if scheme is not None:
            life.add(life.life_end, "CoverageEnded", {"scheme": scheme, "reason": "death"})
