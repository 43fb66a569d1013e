"""A second, independent check of the FHIR the ledger writes: R4 invariants and required elements in FHIRPath.

``fhir.resources`` builds the resources; this checks their JSON with another implementation
(fhirpathpy, on the R4 model) against constraints transcribed from the R4 specification: the
invariants by their published keys (bdl-*, cpb-*, per-1, …) and each resource's 1..1 / 1..*
elements from its StructureDefinition. A violated constraint names its key and expression.
"""

from __future__ import annotations

from typing import Any

from fhirpathpy import evaluate
from fhirpathpy.models import models

R4 = models["r4"]

#: Constraints that hold on every resource of the type: (key, FHIRPath expression yielding true).
CONSTRAINTS: dict[str, tuple[tuple[str, str], ...]] = {
    "Bundle": (
        ("bdl-1", "total.empty() or (type = 'searchset') or (type = 'history')"),
        ("bdl-2", "entry.search.empty() or (type = 'searchset')"),
        (
            "bdl-3",
            "entry.all(request.exists() = (%resource.type = 'batch' or %resource.type = 'transaction' "
            "or %resource.type = 'history'))",
        ),
        ("bdl-7", "(type = 'history') or entry.where(fullUrl.exists()).select(fullUrl).isDistinct()"),
        ("bdl-8", "entry.all(fullUrl.contains('/_history/').not())"),
        ("required", "type.exists()"),
        ("searchset-total", "type != 'searchset' or total = entry.count()"),
    ),
    "CapabilityStatement": (
        ("cpb-1", "rest.exists() or messaging.exists() or document.exists()"),
        ("cpb-2", "(description.count() + software.count() + implementation.count()) > 0"),
        ("cpb-3", "messaging.endpoint.empty() or kind = 'instance'"),
        ("cpb-14", "(kind != 'instance') or implementation.exists()"),
        ("cpb-15", "(kind != 'capability') or (implementation.exists().not() and software.exists())"),
        (
            "required",
            "status.exists() and date.exists() and kind.exists() and fhirVersion.exists() and format.exists()",
        ),
        ("cpb-9", "rest.all(resource.select(type).isDistinct())"),
    ),
    "Coverage": (
        ("required", "status.exists() and beneficiary.exists() and payor.exists()"),
        ("per-1", "period.all(start.empty() or end.empty() or (start <= end))"),
    ),
    "ExplanationOfBenefit": (
        (
            "required",
            "status.exists() and type.exists() and use.exists() and patient.exists() and created.exists() "
            "and insurer.exists() and provider.exists() and outcome.exists() and insurance.exists()",
        ),
        ("outcome-code", "outcome in ('queued' | 'complete' | 'error' | 'partial')"),
        ("item-adjudication", "item.adjudication.all(category.exists())"),
        ("per-1", "billablePeriod.all(start.empty() or end.empty() or (start <= end))"),
        ("insurance-focal", "insurance.all(focal.exists() and coverage.exists())"),
        ("total", "total.all(category.exists() and amount.exists())"),
    ),
    "CoverageEligibilityResponse": (
        (
            "required",
            "status.exists() and purpose.exists() and patient.exists() and created.exists() "
            "and request.exists() and outcome.exists() and insurer.exists()",
        ),
        ("ces-1", "item.all(category.exists() xor productOrService.exists())"),
    ),
    "OperationOutcome": (
        ("required", "issue.exists() and issue.all(severity.exists() and code.exists())"),
        ("severity-code", "issue.all(severity in ('fatal' | 'error' | 'warning' | 'information'))"),
    ),
}
#: Constraints every resource (DomainResource) carries.
DOMAIN_RESOURCE = (
    ("dom-2", "contained.contained.empty()"),
    ("dom-3-free", "contained.empty()"),  # the ledger writes no contained resources
    (
        "ref-1",
        "descendants().where(reference.exists()).all(reference.startsWith('#').not() or %resource.contained.exists())",
    ),
    ("money-currency", "descendants().where(currency.exists()).all(currency = 'CNY')"),
)


def violations(resource: dict[str, Any]) -> list[str]:
    """Each violated constraint of ``resource`` and of every resource inside a Bundle, as `Type key: expr`."""
    found: list[str] = []
    kind = resource.get("resourceType", "")
    for key, expression in (*CONSTRAINTS.get(kind, ()), *DOMAIN_RESOURCE):
        result = evaluate(resource, expression, {"resource": resource}, R4)
        if result != [True]:
            found.append(f"{kind} {key}: {expression} gave {result}")
    for entry in resource.get("entry", []) if kind == "Bundle" else []:
        found.extend(violations(entry["resource"]))
    return found


def assert_valid(resource: dict[str, Any]) -> None:
    problems = violations(resource)
    assert not problems, "FHIR R4 constraints violated:\n" + "\n".join(problems)
