"""CoverageEligibilityResponse: the status document on a date as FHIR eligibility, every balance as a benefit."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.coverageeligibilityresponse import (
    CoverageEligibilityResponse,
    CoverageEligibilityResponseInsurance,
    CoverageEligibilityResponseInsuranceItem,
    CoverageEligibilityResponseInsuranceItemBenefit,
)
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.reference import Reference

from api.fhir.common import (
    BENEFIT_NETWORK_SYSTEM,
    BENEFIT_TERM_SYSTEM,
    BENEFIT_TYPE_SYSTEM,
    BENEFIT_UNIT_SYSTEM,
    EXTENSION_BASE,
    LAYER_DISPLAY,
    LEDGER_BENEFIT_TYPE_SYSTEM,
    coding,
    concept,
    fund_layer_concept,
    member_reference,
    money_of_yuan,
    region_reference,
    resource_id,
    year_period_bounds,
)
from api.fhir.coverage import waiting_extension
from api.nhsa.mapping import NhsaCodeTable

BENEFITS_START_EXTENSION = f"{EXTENSION_BASE}:benefits-start"
EDITION_EXTENSION = f"{EXTENSION_BASE}:rule-edition"


def _explanation_text(document: dict[str, Any], field: str) -> str | None:
    texts = [item["text"] for item in document["explanations"] if item["field"] == field]
    return "; ".join(texts) if texts else None


def _benefits(balance: dict[str, Any]) -> list[CoverageEligibilityResponseInsuranceItemBenefit]:
    """Cap and used as the HL7 ``benefit`` type; the remaining room as the ledger's ``remaining``."""
    cap = balance.get("cap")
    maximum = CoverageEligibilityResponseInsuranceItemBenefit(
        type=concept(coding(BENEFIT_TYPE_SYSTEM, "benefit", "Benefit")),
        usedMoney=money_of_yuan(balance["used"]),
        **({"allowedMoney": money_of_yuan(cap)} if cap is not None else {"allowedString": "no yearly cap"}),
    )
    remaining = balance.get("remaining")
    room = CoverageEligibilityResponseInsuranceItemBenefit(
        type=concept(coding(LEDGER_BENEFIT_TYPE_SYSTEM, "remaining", "Remaining this year")),
        **({"allowedMoney": money_of_yuan(remaining)} if remaining is not None else {"allowedString": "no yearly cap"}),
    )
    return [maximum, room]


def _item(
    key: str, balance: dict[str, Any], document: dict[str, Any], *, table: NhsaCodeTable
) -> CoverageEligibilityResponseInsuranceItem:
    explanation_field = "major_illness.cap" if key == "major_illness" else f"caps.{key}"
    return CoverageEligibilityResponseInsuranceItem(
        category=fund_layer_concept(key, scheme=document["scheme"], table=table),
        name=LAYER_DISPLAY.get(key, f"programme balance {key}"),
        description=_explanation_text(document, explanation_field),
        network=concept(coding(BENEFIT_NETWORK_SYSTEM, "in", "In Network")),
        unit=concept(coding(BENEFIT_UNIT_SYSTEM, "individual", "Individual")),
        term=concept(coding(BENEFIT_TERM_SYSTEM, "annual", "Annual")),
        benefit=_benefits(balance),
    )


def eligibility_response(
    document: dict[str, Any],
    *,
    coverage_id: str | None,
    table: NhsaCodeTable,
    request: Reference | None = None,
) -> CoverageEligibilityResponse:
    """The member's eligibility on ``document['as_of']`` (status document v1) as FHIR.

    ``insurance.inforce`` is ``benefits_active``; each yearly balance (basic pool, large amount,
    civil servant, programme caps, the resident's major-illness cap) is one item whose benefits
    carry the cap (allowed), used and remaining money; the waiting period, when there is one, is
    an extension of the insurance and is said in ``disposition``. ``created`` is the document's
    ``known_at`` so the same question always gets the same answer.
    """
    as_of = document["as_of"]
    items = [_item(key, balance, document, table=table) for key, balance in document["caps"].items()]
    if document.get("major_illness") is not None:
        items.append(_item("major_illness", document["major_illness"], document, table=table))
    insurance: list[CoverageEligibilityResponseInsurance] = []
    extensions: list[Extension] = []
    if document["waiting"] is not None:
        extensions.append(waiting_extension(document["waiting"]))
    if document["benefits_start"] is not None:
        extensions.append(Extension(url=BENEFITS_START_EXTENSION, valueDate=document["benefits_start"]))
    if coverage_id is not None:
        year_start, year_end = year_period_bounds(int(as_of[:4]))
        insurance.append(
            CoverageEligibilityResponseInsurance(
                extension=extensions or None,
                coverage=Reference(reference=f"Coverage/{coverage_id}"),
                inforce=document["benefits_active"],
                benefitPeriod=Period(start=year_start, end=year_end),
                item=items or None,
            )
        )
    edition = document["edition"]
    return CoverageEligibilityResponse(
        id=resource_id("eligibility", document["member_id"], as_of, document["known_at"]),
        extension=[Extension(url=EDITION_EXTENSION, valueString=f"{edition['name']} {edition['hash']}")]
        if edition
        else None,
        status="active",
        purpose=["benefits", "validation"],
        patient=member_reference(document["member_id"]),
        servicedDate=as_of,
        created=document["known_at"],
        request=request or Reference(display="eligibility asked without a stored request"),
        outcome="complete",
        disposition=_disposition(document),
        insurer=region_reference(document["region"], table),
        insurance=insurance or None,
    )


def _disposition(document: dict[str, Any]) -> str:
    as_of = document["as_of"]
    if not document["covered"]:
        if document["suspended"]:
            return f"not covered on {as_of}: in arrears past the grace, benefits suspended until back-paid"
        return f"not covered on {as_of}"
    if document["suspended"]:
        return f"covered on {as_of}, benefits suspended (arrears)"
    waiting = document["waiting"]
    if waiting is not None:
        return (
            f"covered on {as_of}, in a waiting period ({waiting['reason']}, {waiting['total_months']} month(s)) "
            f"until {waiting['ends_on']}; benefits from {document['benefits_start']}"
        )
    return f"covered on {as_of}, benefits active" if document["benefits_active"] else f"covered on {as_of}"
