"""The CapabilityStatement (``GET /fhir/metadata``): what this FHIR endpoint serves, read by integrators first."""

from __future__ import annotations

from datetime import datetime

from fhir.resources.R4B.capabilitystatement import (
    CapabilityStatement,
    CapabilityStatementImplementation,
    CapabilityStatementRest,
    CapabilityStatementRestResource,
    CapabilityStatementRestResourceInteraction,
    CapabilityStatementRestResourceOperation,
    CapabilityStatementRestResourceSearchParam,
    CapabilityStatementRestSecurity,
    CapabilityStatementSoftware,
)
from fhir.resources.R4B.codeableconcept import CodeableConcept

from api.fhir.common import FHIR_VERSION, iso_instant

#: Read and search interactions served per resource type, with their search parameters (name, type, doc).
SERVED: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]] = {
    "Coverage": (
        ("read", "search-type"),
        (
            ("beneficiary", "reference", "The member: `<member id>` or `Patient/<member id>`."),
            ("patient", "reference", "Same as beneficiary."),
        ),
    ),
    "ExplanationOfBenefit": (
        ("read", "search-type"),
        (("patient", "reference", "The member whose settled claims are listed."),),
    ),
    "CoverageEligibilityResponse": (
        ("search-type",),
        (
            ("patient", "reference", "The member."),
            ("date", "date", "The service date asked about (YYYY-MM-DD)."),
        ),
    ),
}


def capability_statement(*, base_url: str, version: str, published: datetime) -> CapabilityStatement:
    """An instance CapabilityStatement: JSON only, read/search per resource type, the $evaluate operation."""
    resources = [
        CapabilityStatementRestResource(
            type=resource_type,
            interaction=[CapabilityStatementRestResourceInteraction(code=code) for code in interactions],
            searchParam=[
                CapabilityStatementRestResourceSearchParam(name=name, type=kind, documentation=doc)
                for name, kind, doc in params
            ]
            or None,
        )
        for resource_type, (interactions, params) in SERVED.items()
    ]
    resources.append(
        CapabilityStatementRestResource(
            type="CoverageEligibilityRequest",
            operation=[
                CapabilityStatementRestResourceOperation(
                    name="evaluate",
                    definition=f"{base_url}/OperationDefinition/CoverageEligibilityRequest-evaluate",
                    documentation="POST a CoverageEligibilityRequest; the answer is its CoverageEligibilityResponse.",
                )
            ],
        )
    )
    return CapabilityStatement(
        status="active",
        date=iso_instant(published),
        publisher="member-benefits ledger",
        kind="instance",
        software=CapabilityStatementSoftware(name="member-benefits-ledger", version=version),
        implementation=CapabilityStatementImplementation(
            description="Member-benefits ledger for Chinese basic medical insurance (FHIR facade)", url=base_url
        ),
        fhirVersion=FHIR_VERSION,
        format=["application/fhir+json", "json"],
        rest=[
            CapabilityStatementRest(
                mode="server",
                documentation="Reads are folded from the member's events; errors are OperationOutcomes.",
                security=CapabilityStatementRestSecurity(
                    # restful-security-service has no code for a bearer API key: named in text only
                    service=[
                        CodeableConcept(
                            text="API key: `Authorization: Bearer <key>` or `X-API-Key` (role service or auditor)"
                        )
                    ],
                    description="Every interaction needs an API key with the service or auditor role.",
                ),
                resource=resources,
            )
        ],
    )
