"""What the FHIR builders share: code systems, references, money, deterministic ids and the JSON writer."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.money import Money
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource

from api.nhsa.mapping import NhsaCodeTable
from domain.money import format_yuan, parse_yuan

FHIR_MEDIA_TYPE = "application/fhir+json"
#: The FHIR version the resources follow (the R4B models; their financial resources are R4's).
FHIR_VERSION = "4.3.0"
CURRENCY = "CNY"

#: The ledger's own naming systems and code systems (URNs: the ledger publishes no terminology server).
LEDGER_URN = "urn:member-benefits-ledger"
MEMBER_SYSTEM = f"{LEDGER_URN}:member-id"
CLAIM_SYSTEM = f"{LEDGER_URN}:claim-id"
REGION_SYSTEM = f"{LEDGER_URN}:region"
SCHEME_SYSTEM = f"{LEDGER_URN}:CodeSystem:scheme"
FUND_LAYER_SYSTEM = f"{LEDGER_URN}:CodeSystem:fund-layer"
SETTING_SYSTEM = f"{LEDGER_URN}:CodeSystem:claim-setting"
LEDGER_ADJUDICATION_SYSTEM = f"{LEDGER_URN}:CodeSystem:adjudication"
LEDGER_BENEFIT_TYPE_SYSTEM = f"{LEDGER_URN}:CodeSystem:benefit-type"
EXTENSION_BASE = f"{LEDGER_URN}:StructureDefinition"
#: The national platform's code lists (docs/nhsa.md), named here because the platform publishes no URI.
NHSA_FUND_PAY_TYPE_SYSTEM = f"{LEDGER_URN}:nhsa:fund_pay_type"
NHSA_INSUTYPE_SYSTEM = f"{LEDGER_URN}:nhsa:insutype"
NHSA_ADMDVS_SYSTEM = f"{LEDGER_URN}:nhsa:admdvs"

#: HL7 terminology used as published.
ADJUDICATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/adjudication"
BENEFIT_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/benefit-type"
BENEFIT_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/ex-benefitcategory"
COVERAGE_CLASS_SYSTEM = "http://terminology.hl7.org/CodeSystem/coverage-class"
CLAIM_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/claim-type"
BENEFIT_NETWORK_SYSTEM = "http://terminology.hl7.org/CodeSystem/benefit-network"
BENEFIT_UNIT_SYSTEM = "http://terminology.hl7.org/CodeSystem/benefit-unit"
BENEFIT_TERM_SYSTEM = "http://terminology.hl7.org/CodeSystem/benefit-term"

SCHEME_DISPLAY = {"employee": "职工基本医疗保险 (employees)", "resident": "城乡居民基本医疗保险 (residents)"}
LAYER_DISPLAY = {
    "basic_pool": "basic pool (统筹基金)",
    "civil_servant": "civil-servant subsidy (公务员医疗补助)",
    "supplementary": "supplementary insurance (补充医疗保险)",
    "large_amount": "large-amount subsidy (大额医疗费用补助)",
    "major_illness": "major-illness insurance (大病保险)",
    "medical_assistance": "medical assistance (医疗救助)",
}

_ID_TEXT = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_DECIMAL_MARK = "\u0000fen:"
_DECIMAL_PLACEHOLDER = re.compile(r'"\\u0000fen:(-?[0-9]+\.[0-9]{2})"')


def resource_id(*parts: object) -> str:
    """A deterministic FHIR id (uuid5 of the natural key): the same facts always give the same id."""
    return str(uuid5(NAMESPACE_URL, ":".join([LEDGER_URN, *(str(p) for p in parts)])))


def fhir_id(natural: str, *kind: str) -> str:
    """``natural`` itself when it is a valid FHIR id, else a uuid5 of it."""
    return natural if _ID_TEXT.match(natural) else resource_id(*kind, natural)


def money(amount_fen: int) -> Money:
    """Money in yuan, built from int fen through domain.money (two decimals, no rounding)."""
    return Money(value=Decimal(format_yuan(amount_fen)), currency=CURRENCY)


def money_of_yuan(text: str) -> Money:
    """Money from a document's two-decimal yuan string."""
    return money(parse_yuan(text))


def coding(system: str, code: str, display: str | None = None) -> Coding:
    return Coding(system=system, code=code, display=display)


def concept(*codings: Coding, text: str | None = None) -> CodeableConcept:
    return CodeableConcept(coding=list(codings), text=text)


def member_reference(member_id: str) -> Reference:
    """The member as the FHIR patient: by identifier (the ledger serves no Patient resources)."""
    return Reference(type="Patient", identifier=Identifier(system=MEMBER_SYSTEM, value=member_id))


def region_reference(region: str | None, table: NhsaCodeTable) -> Reference:
    """The region's medical-insurance bureau as payor/insurer, named by its division code where known."""
    known = table.regions.get(region or "")
    if known is None:
        return Reference(type="Organization", display=f"medical-insurance bureau of {region or 'an unknown region'}")
    return Reference(
        type="Organization",
        identifier=Identifier(system=NHSA_ADMDVS_SYSTEM, value=known.code),
        display=f"{known.name}医疗保障局 ({region})",
    )


def fund_layer_concept(layer: str, *, scheme: str | None, table: NhsaCodeTable) -> CodeableConcept:
    """A fund layer as ours and as the platform's fund-pay-type code (when the table has one for the scheme)."""
    codings = [coding(FUND_LAYER_SYSTEM, layer, LAYER_DISPLAY.get(layer, layer))]
    entry = table.fund_layers.get(layer)
    if entry is not None and ("*" in entry.codes or (scheme or "") in entry.codes):
        code = entry.code_for(scheme)
        codings.append(coding(NHSA_FUND_PAY_TYPE_SYSTEM, code.code, code.name))
    return concept(*codings, text=LAYER_DISPLAY.get(layer, layer))


def iso_instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def year_period_bounds(year: int) -> tuple[str, str]:
    return date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat()


def _mark_money(node: Any) -> Any:
    """Replace each CNY Money value by a placeholder holding its exact two-decimal text."""
    if isinstance(node, dict):
        if node.get("currency") == CURRENCY and isinstance(node.get("value"), float | int | Decimal):
            exact = Decimal(repr(node["value"])).quantize(Decimal("0.01"))
            assert float(exact) == float(node["value"]), "money survives the library's serialiser exactly"
            return {**node, "value": f"{_DECIMAL_MARK}{exact}"}
        return {key: _mark_money(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_mark_money(item) for item in node]
    return node


def fhir_json(resource: Resource) -> bytes:
    """The resource as FHIR JSON with money as two-decimal numbers (3690.00, not 3690.0).

    ``fhir.resources`` writes decimals as floats; amounts are restored from their exact text so a
    client reads the same figure the ledger holds, with its precision. Keys keep the library's
    element order (deterministic output).
    """
    data = _mark_money(json.loads(resource.model_dump_json()))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _DECIMAL_PLACEHOLDER.sub(r"\1", text).encode("utf-8")
