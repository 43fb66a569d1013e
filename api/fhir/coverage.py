"""Coverage resources: one per coverage spell of the member (``MemberLedger.spells``, docs/entitlements.md).

Consecutive payments are one spell, so a member paid monthly for three years has one Coverage, not 36;
its waiting-period extension is the spell's wait, at its start only."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch
from fhir.resources.R4B.coverage import Coverage, CoverageClass
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.resource import Resource

from api.fhir.common import (
    COVERAGE_CLASS_SYSTEM,
    EXTENSION_BASE,
    NHSA_INSUTYPE_SYSTEM,
    SCHEME_DISPLAY,
    SCHEME_SYSTEM,
    coding,
    concept,
    member_reference,
    region_reference,
    resource_id,
)
from api.nhsa.mapping import NhsaCodeTable
from domain.entitlements.fold import MemberLedger
from domain.entitlements.periods import OPEN_END, CoveragePeriod

BENEFITS_START_EXTENSION = f"{EXTENSION_BASE}:benefits-start"
WAITING_EXTENSION = f"{EXTENSION_BASE}:waiting-period"
BASIS_EXTENSION = f"{EXTENSION_BASE}:coverage-basis"


def coverage_ids(member_id: str, periods: list[CoveragePeriod]) -> list[str]:
    """A deterministic id per period, from its natural key; identical spells are told apart by their order."""
    seen: Counter[tuple[str, str, str, str]] = Counter()
    ids: list[str] = []
    for period in periods:
        key = (period.scheme, period.region, period.covered_from.isoformat(), period.covered_until.isoformat())
        ids.append(resource_id("coverage", member_id, *key, seen[key]))
        seen[key] += 1
    return ids


def coverage_id_on(ledger: MemberLedger, period: CoveragePeriod | None) -> str | None:
    """The id of the Coverage (the spell) one of the ledger's periods belongs to (None for no period)."""
    if period is None:
        return None
    index = ledger.spell_index(period)
    if index is None:
        return None
    return coverage_ids(ledger.facts.member_id, ledger.spell_periods)[index]


def waiting_extension(waiting: dict[str, object]) -> Extension:
    """The waiting period (待遇等待期) as a complex extension: months, reason, counted from, benefits from."""
    parts = [
        Extension(url="fixedMonths", valueUnsignedInt=waiting["fixed_months"]),
        Extension(url="variableMonths", valueUnsignedInt=waiting["variable_months"]),
        Extension(url="repairedMonths", valueUnsignedInt=waiting["repaired_months"]),
        Extension(url="totalMonths", valueUnsignedInt=waiting["total_months"]),
        Extension(url="reason", valueString=waiting["reason"]),
        Extension(url="countedFrom", valueDate=waiting["counted_from"]),
        # the status document's ends_on is the day the wait is over: the first day with benefits
        Extension(url="benefitsFrom", valueDate=waiting["ends_on"]),
    ]
    return Extension(url=WAITING_EXTENSION, extension=parts)


def coverage_resource(
    member_id: str, period: CoveragePeriod, *, coverage_id: str, table: NhsaCodeTable, language: str = "en"
) -> Coverage:
    """One spell: its period (inclusive dates), scheme as type, the region's bureau as payor, the rule set as plan."""
    insurance_type = table.insurance_types.get(period.scheme)
    codings = [coding(SCHEME_SYSTEM, period.scheme, SCHEME_DISPLAY.get(period.scheme))]
    if insurance_type is not None:
        codings.append(coding(NHSA_INSUTYPE_SYSTEM, insurance_type.code, insurance_type.name))
    extensions = [
        Extension(url=BENEFITS_START_EXTENSION, valueDate=period.benefits_from.isoformat()),
        Extension(url=BASIS_EXTENSION, valueString=period.basis.render(language)),
    ]
    if period.waiting is not None:
        extensions.append(waiting_extension(period.waiting.as_json()))
    return Coverage(
        id=coverage_id,
        extension=extensions,
        status="active",
        type=concept(*codings, text=SCHEME_DISPLAY.get(period.scheme, period.scheme)),
        beneficiary=member_reference(member_id),
        relationship=concept(coding("http://terminology.hl7.org/CodeSystem/subscriber-relationship", "self", "Self")),
        period=Period(
            start=period.covered_from.isoformat(),
            end=None if period.covered_until >= OPEN_END else (period.covered_until - timedelta(days=1)).isoformat(),
        ),
        payor=[region_reference(period.region, table)],
        class_fhir=[
            CoverageClass(
                type=concept(coding(COVERAGE_CLASS_SYSTEM, "plan", "Plan")),
                value=period.edition.name,
                name=f"rule set {period.edition.name} (edition {period.edition.content_hash[:12]})",
            )
        ],
    )


def coverage_resources(ledger: MemberLedger, *, table: NhsaCodeTable, language: str = "en") -> list[Coverage]:
    """Every coverage spell of the member, in order of its start; the basis text in ``language``."""
    member_id = ledger.facts.member_id
    periods = ledger.spell_periods
    ids = coverage_ids(member_id, periods)
    return [
        coverage_resource(member_id, period, coverage_id=cid, table=table, language=language)
        for cid, period in zip(ids, periods, strict=True)
    ]


def searchset(resources: list[Resource], *, bundle_id: str, base_url: str) -> Bundle:
    """A search result Bundle (type searchset) of ``resources``, every one a match."""
    return Bundle(
        id=bundle_id,
        type="searchset",
        total=len(resources),
        entry=[
            BundleEntry(
                fullUrl=f"{base_url}/{resource.get_resource_type()}/{resource.id}",
                resource=resource,
                search=BundleEntrySearch(mode="match"),
            )
            for resource in resources
        ],
    )
