"""What a synthetic population reads from the rule sets: policy figures are never invented here.

The generator (``synthetic``) asks this module for the figures a realistic history
must respect — the personal resident contribution of a category (``contribution.personal``), who
is exempt (``contribution.exempt_categories``), the central enrollment window
(``coverage.central_window`` / ``readings.shenyang_central_window``), the newborn enrollment limit,
the employee contribution rates, the facility levels a region's tables have rows for and the
condition names its programmes know (``chronic.annual_cap`` rows, ``special_disease.dialysis_conditions``,
``two_diseases.annual_cap`` rows, ``maternity.medical_cap`` rows). Each figure is read once per
coverage year when a population starts, so generating a member reads no rule set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain.dates import add_months
from domain.policies import Edition
from domain.policies.values import AnnualWindow, Table

RESIDENT = "resident"
EMPLOYEE = "employee"
#: A year in a simulated plan in which the member pays for neither scheme (断保).
GAP = "gap"
SCHEMES: tuple[str, ...] = (RESIDENT, EMPLOYEE)
#: The row of ``two_diseases.annual_cap`` for members with both diseases: not a condition of its own.
BOTH_DISEASES_ROW = "both"
#: Facility levels assumed when a rule set's outpatient tables have no level axis (one flat ratio).
OUTPATIENT_LEVELS_WITHOUT_TABLE: tuple[str, ...] = ("community", "level1", "level2", "level3")


def _on(edition: Edition, name: str, day: date) -> date:
    """``day``, or the parameter's first dated value when the simulated day comes before it."""
    return max(day, edition.parameter(name).first_on)


def _table(edition: Edition, name: str, day: date) -> Table:
    value = edition.value(name, _on(edition, name, day))
    assert isinstance(value, Table), f"{edition.name}: {name} is not a table"
    return value


def _text_list(edition: Edition, name: str, day: date) -> tuple[str, ...]:
    value = edition.value(name, _on(edition, name, day))
    assert isinstance(value, tuple), f"{edition.name}: {name} is not a list"
    return value


@dataclass(frozen=True)
class ResidentYear:
    """A resident coverage year's figures: the central window and the personal contributions."""

    year: int
    window_start_on: date
    window_end_on: date
    personal_contribution: Table
    exempt_categories: tuple[str, ...]

    def contribution_fen(self, *, student_or_minor: bool, category: str | None) -> int:
        """The personal contribution (个人缴费) of a member of this kind and category (0 when exempt)."""
        if category is not None and category in self.exempt_categories:
            return 0
        table = self.personal_contribution
        row = "student_or_minor" if student_or_minor else "adult"
        column = category if category is not None and category in table.columns else "ordinary"
        cell = table.cell(row, column)
        assert isinstance(cell, int) and not isinstance(cell, bool)
        return cell


@dataclass(frozen=True)
class SchemeRules:
    """What one rule set (region × scheme) says that shapes a simulated history."""

    edition: Edition
    inpatient_levels: tuple[str, ...]
    outpatient_levels: tuple[str, ...]
    chronic_conditions: tuple[str, ...] | None
    chronic_certified_before: date | None
    dialysis_conditions: tuple[str, ...]
    two_diseases: tuple[str, ...]
    emergency_outpatient: bool
    maternity_items: tuple[str, ...]
    prenatal_examinations: bool


@dataclass(frozen=True)
class RegionRules:
    """A region's resident and employee rule sets, with the yearly figures of the simulated period."""

    region: str
    resident: SchemeRules
    employee: SchemeRules
    resident_years: Mapping[int, ResidentYear]
    employee_rate_by_year: Mapping[int, Decimal]
    newborn_limit_days: int | None
    newborn_limit_months: int | None

    def scheme(self, scheme: str) -> SchemeRules:
        return self.resident if scheme == RESIDENT else self.employee

    def newborn_deadline(self, birth_on: date) -> date:
        """The last day a newborn's first payment still covers them from birth (002 ch.3 七问; 001 医保待遇期 3)."""
        if self.newborn_limit_days is not None:
            return birth_on + timedelta(days=self.newborn_limit_days)
        assert self.newborn_limit_months is not None
        return add_months(birth_on, self.newborn_limit_months)


def region_rules(editions: Mapping[str, Edition], *, region: str, first_year: int, last_year: int) -> RegionRules:
    """Read the figures of ``region``'s two rule sets for coverage years ``first_year``..``last_year``."""
    by_scheme = {scheme: _edition(editions, region, scheme) for scheme in SCHEMES}
    resident, employee = by_scheme[RESIDENT], by_scheme[EMPLOYEE]
    resident_years = {year: _resident_year(resident, year) for year in range(first_year, last_year + 1)}
    rates = {year: _employee_rate(employee, date(year, 1, 1)) for year in range(first_year - 1, last_year + 1)}
    limit_days = limit_months = None
    if "newborn.enrollment_limit_days" in resident.parameters:
        limit_days = _integer(resident, "newborn.enrollment_limit_days", date(first_year, 1, 1))
    else:
        limit_months = _integer(resident, "newborn.enrollment_limit_months", date(first_year, 1, 1))
    return RegionRules(
        region=region,
        resident=_scheme_rules(resident, first_year),
        employee=_scheme_rules(employee, first_year),
        resident_years=resident_years,
        employee_rate_by_year=rates,
        newborn_limit_days=limit_days,
        newborn_limit_months=limit_months,
    )


def _edition(editions: Mapping[str, Edition], region: str, scheme: str) -> Edition:
    for edition in editions.values():
        if edition.region == region and edition.scheme == scheme:
            return edition
    raise LookupError(f"no {region}-{scheme} rule set among {', '.join(sorted(editions))}")


def _integer(edition: Edition, name: str, day: date) -> int:
    value = edition.value(name, _on(edition, name, day))
    assert isinstance(value, int) and not isinstance(value, bool)
    return value


def _resident_year(edition: Edition, year: int) -> ResidentYear:
    day = date(year, 1, 1)
    name = "coverage.central_window"
    if name not in edition.parameters:
        name = "readings.shenyang_central_window"  # the default reading where the seed gives no dates
    window = edition.value(name, _on(edition, name, day))
    assert isinstance(window, AnnualWindow)
    start_on, end_on = window.for_year(year)
    return ResidentYear(
        year=year,
        window_start_on=start_on,
        window_end_on=end_on,
        personal_contribution=_table(edition, "contribution.personal", day),
        exempt_categories=_text_list(edition, "contribution.exempt_categories", day),
    )


def _employee_rate(edition: Edition, day: date) -> Decimal:
    """Employer and employee shares together (单位 + 个人), as a fraction of the contribution base."""
    total = Decimal(0)
    for name in ("contribution.employer_rate", "contribution.employee_rate"):
        value = edition.value(name, _on(edition, name, day))
        assert isinstance(value, Decimal)
        total += value
    return total


def _scheme_rules(edition: Edition, first_year: int) -> SchemeRules:
    day = date(first_year, 1, 1)
    has = edition.parameters.__contains__
    inpatient_levels = _table(edition, "inpatient.deductible", day).rows
    outpatient_levels = inpatient_levels if "community" in inpatient_levels else OUTPATIENT_LEVELS_WITHOUT_TABLE
    for name in ("outpatient_pooling.deductible", "outpatient_pooling.ratio"):
        if has(name):
            outpatient_levels = _table(edition, name, day).rows
            break
    if has("outpatient_pooling.chosen_clinic_levels"):
        # Outpatient pooling pays only at the chosen community or township clinic: members go there.
        chosen = _text_list(edition, "outpatient_pooling.chosen_clinic_levels", day)
        outpatient_levels = tuple(level for level in outpatient_levels if level in chosen) or chosen
    certified_before = None
    if has("chronic.new_certifications_accepted"):
        name = "chronic.new_certifications_accepted"
        if edition.value(name, _on(edition, name, day)) is False:
            # New chronic certifications stopped: only those made before the rule's first dated value count.
            certified_before = edition.parameter(name).first_on
    two: tuple[str, ...] = ()
    if has("two_diseases.annual_cap"):
        two = tuple(r for r in _table(edition, "two_diseases.annual_cap", day).rows if r != BOTH_DISEASES_ROW)
    return SchemeRules(
        edition=edition,
        inpatient_levels=inpatient_levels,
        outpatient_levels=outpatient_levels,
        chronic_conditions=_table(edition, "chronic.annual_cap", day).rows if has("chronic.annual_cap") else None,
        chronic_certified_before=certified_before,
        dialysis_conditions=(
            _text_list(edition, "special_disease.dialysis_conditions", day)
            if has("special_disease.dialysis_conditions")
            else ()
        ),
        two_diseases=two,
        emergency_outpatient=has("emergency.outpatient_ratio"),
        maternity_items=_table(edition, "maternity.medical_cap", day).rows if has("maternity.medical_cap") else (),
        prenatal_examinations=has("maternity.prenatal_cap") or has("outpatient_pooling.deductible"),
    )
