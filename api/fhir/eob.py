"""ExplanationOfBenefit: one settlement document, layer by layer, with balances after and its explanations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.explanationofbenefit import (
    ExplanationOfBenefit,
    ExplanationOfBenefitBenefitBalance,
    ExplanationOfBenefitBenefitBalanceFinancial,
    ExplanationOfBenefitInsurance,
    ExplanationOfBenefitItem,
    ExplanationOfBenefitItemAdjudication,
    ExplanationOfBenefitProcessNote,
    ExplanationOfBenefitTotal,
)
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.reference import Reference

from api.fhir.common import (
    ADJUDICATION_SYSTEM,
    BENEFIT_CATEGORY_SYSTEM,
    BENEFIT_TERM_SYSTEM,
    BENEFIT_TYPE_SYSTEM,
    CLAIM_SYSTEM,
    CLAIM_TYPE_SYSTEM,
    EXTENSION_BASE,
    LEDGER_ADJUDICATION_SYSTEM,
    LEDGER_BENEFIT_TYPE_SYSTEM,
    LEDGER_URN,
    SETTING_SYSTEM,
    coding,
    concept,
    fhir_id,
    fund_layer_concept,
    iso_instant,
    member_reference,
    money,
    money_of_yuan,
    region_reference,
    year_period_bounds,
)
from api.nhsa.mapping import NhsaCodeTable, cited_parameter
from domain.contract import ClaimSubmittedData
from domain.money import parse_yuan
from domain.settlement.model import LAYER_ORDER

LEDGER_ADJUDICATION_REASON_SYSTEM = f"{LEDGER_URN}:CodeSystem:adjudication-reason"
EDITION_EXTENSION = f"{EXTENSION_BASE}:rule-edition"
#: FHIR's processNote.text has no stated limit; one note is kept below this many characters.
PROCESS_NOTE_CHARS_MAX = 4000


def _adjudication(
    category_system: str, code: str, display: str, amount_fen: int
) -> ExplanationOfBenefitItemAdjudication:
    return ExplanationOfBenefitItemAdjudication(
        category=concept(coding(category_system, code, display)), amount=money(amount_fen)
    )


def _adjudications(
    document: dict[str, Any], claim: ClaimSubmittedData, *, scheme: str | None, table: NhsaCodeTable
) -> list[ExplanationOfBenefitItemAdjudication]:
    """Billed, eligible (policy scope), deductible, each fund layer, the funds' total and the member's share."""
    found = [
        _adjudication(ADJUDICATION_SYSTEM, "submitted", "Submitted Amount", claim.total_amount),
        _adjudication(ADJUDICATION_SYSTEM, "eligible", "Eligible Amount", claim.policy_amount),
        _adjudication(ADJUDICATION_SYSTEM, "deductible", "Deductible", parse_yuan(document["deductible"])),
    ]
    layers: dict[str, str] = document["layers"]
    for layer in (name for name in LAYER_ORDER if name in layers):
        found.append(
            ExplanationOfBenefitItemAdjudication(
                category=fund_layer_concept(layer, scheme=scheme, table=table),
                amount=money_of_yuan(layers[layer]),
            )
        )
    benefit = _adjudication(ADJUDICATION_SYSTEM, "benefit", "Benefit Amount", parse_yuan(document["fund_total"]))
    if document["reasons"]:  # why the funds paid nothing (a denial) or less: the adjudication's reason
        benefit.reason = CodeableConcept(
            coding=[coding(LEDGER_ADJUDICATION_REASON_SYSTEM, document["status"], document["status"])],
            text="; ".join(document["reasons"]),
        )
    found.append(benefit)
    found.append(
        _adjudication(
            LEDGER_ADJUDICATION_SYSTEM, "member_share", "Member pays (个人负担)", parse_yuan(document["member_pays"])
        )
    )
    return found


def _benefit_balances(
    document: dict[str, Any], *, scheme: str | None, table: NhsaCodeTable
) -> list[ExplanationOfBenefitBenefitBalance]:
    """Each layer's yearly cap and what the year has used once this claim is paid (``balances_after``)."""
    balances: list[ExplanationOfBenefitBenefitBalance] = []
    for layer, balance in document["balances_after"].items():
        cap, remaining = balance["cap"], balance["remaining"]
        financial = [
            ExplanationOfBenefitBenefitBalanceFinancial(
                type=concept(coding(BENEFIT_TYPE_SYSTEM, "benefit", "Benefit")),
                usedMoney=money_of_yuan(balance["used"]),
                **({"allowedMoney": money_of_yuan(cap)} if cap is not None else {"allowedString": "no yearly cap"}),
            ),
            ExplanationOfBenefitBenefitBalanceFinancial(
                type=concept(coding(LEDGER_BENEFIT_TYPE_SYSTEM, "remaining", "Remaining this year")),
                **(
                    {"allowedMoney": money_of_yuan(remaining)}
                    if remaining is not None
                    else {"allowedString": "no yearly cap"}
                ),
            ),
        ]
        layer_concept = fund_layer_concept(layer, scheme=scheme, table=table)
        balances.append(
            ExplanationOfBenefitBenefitBalance(
                category=concept(coding(BENEFIT_CATEGORY_SYSTEM, "1", "Medical Care"), *(layer_concept.coding or [])),
                name=layer_concept.text,
                term=concept(coding(BENEFIT_TERM_SYSTEM, "annual", "Annual")),
                financial=financial,
            )
        )
    return balances


def _notes(document: dict[str, Any]) -> list[ExplanationOfBenefitProcessNote]:
    """Reasons first, then every explanation with the parameters, values and policy references it used."""
    texts = [f"reason: {reason}" for reason in document["reasons"]]
    for item in document["explanations"]:
        cited = [cited_parameter(p) for p in item["parameters"]]
        texts.append(f"{item['field']}: {item['text']}" + (f" — {'; '.join(cited)}" if cited else ""))
    return [
        ExplanationOfBenefitProcessNote(number=number, type="display", text=text[:PROCESS_NOTE_CHARS_MAX])
        for number, text in enumerate(texts, start=1)
    ]


def explanation_of_benefit(
    document: dict[str, Any],
    *,
    claim: ClaimSubmittedData,
    created: datetime,
    coverage_id: str | None,
    scheme: str | None,
    region: str | None,
    table: NhsaCodeTable,
) -> ExplanationOfBenefit:
    """The settlement of one claim as FHIR: layer adjudications, the member's share, balances after, notes.

    ``document`` is the recorded decision (or the fold's settlement where none was recorded);
    ``created`` is when it was decided. Status ``cancelled`` for a reversed claim; outcome
    ``complete`` for every adjudicated claim, a rejected one included (nothing paid: the reasons in
    ``disposition`` and as the benefit adjudication's ``reason``).
    """
    inpatient = claim.setting.value == "inpatient"
    status = document["status"]
    edition = document["edition"]
    claim_id = document["claim_id"]
    year_start, year_end = year_period_bounds(claim.discharged_on.year)
    setting = concept(coding(SETTING_SYSTEM, claim.setting.value, claim.setting.value.replace("_", " ")))
    coverage = (
        Reference(reference=f"Coverage/{coverage_id}")
        if coverage_id is not None
        else Reference(display=f"no coverage on the admission day {claim.admitted_on}")
    )
    return ExplanationOfBenefit(
        id=fhir_id(claim_id, "claim"),
        extension=[Extension(url=EDITION_EXTENSION, valueString=f"{edition['name']} {edition['hash']}")]
        if edition
        else None,
        identifier=[Identifier(system=CLAIM_SYSTEM, value=claim_id)],
        status="cancelled" if status == "reversed" else "active",
        type=concept(
            coding(CLAIM_TYPE_SYSTEM, "institutional" if inpatient else "professional"), text=claim.setting.value
        ),
        subType=setting,
        use="claim",
        patient=member_reference(document["member_id"]),
        billablePeriod=Period(start=claim.admitted_on.isoformat(), end=claim.discharged_on.isoformat()),
        created=iso_instant(created),
        insurer=region_reference(region, table),
        provider=Reference(
            display=f"designated medical institution, level {claim.facility_level.value}, {claim.location.value}"
        ),
        # R4: "complete" once adjudicated, a denial included (its reasons on the benefit adjudication);
        # "error" would mean the claim could not be processed, which the ledger never records.
        outcome="complete",
        disposition="; ".join(document["reasons"]) or f"{status}: the funds pay {document['fund_total']}",
        insurance=[ExplanationOfBenefitInsurance(focal=True, coverage=coverage)],
        item=[
            ExplanationOfBenefitItem(
                sequence=1,
                productOrService=setting,
                servicedPeriod=Period(start=claim.admitted_on.isoformat(), end=claim.discharged_on.isoformat()),
                net=money(claim.total_amount),
                adjudication=_adjudications(document, claim, scheme=scheme, table=table),
            )
        ],
        total=[
            ExplanationOfBenefitTotal(
                category=concept(coding(ADJUDICATION_SYSTEM, "submitted", "Submitted Amount")),
                amount=money_of_yuan(document["total_amount"]),
            ),
            ExplanationOfBenefitTotal(
                category=concept(coding(ADJUDICATION_SYSTEM, "benefit", "Benefit Amount")),
                amount=money_of_yuan(document["fund_total"]),
            ),
            ExplanationOfBenefitTotal(
                category=concept(coding(LEDGER_ADJUDICATION_SYSTEM, "member_share", "Member pays (个人负担)")),
                amount=money_of_yuan(document["member_pays"]),
            ),
        ],
        processNote=_notes(document) or None,
        benefitPeriod=Period(start=year_start, end=year_end),
        benefitBalance=_benefit_balances(document, scheme=scheme, table=table) or None,
    )
