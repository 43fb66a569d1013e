"""FHIR R4 resources built from the fold's results: Coverage, CoverageEligibilityResponse, ExplanationOfBenefit.

Every resource is an instance of the ``fhir.resources`` models (the R4B package, FHIR 4.3.0, whose
financial resources are those of R4 4.0.1), so it is validated when built; ``common.fhir_json``
serialises it with money as exact two-decimal numbers. The builders compute nothing: they
arrange what the fold (``projections.queries.member_ledger``) and the documents already hold.
See docs/fhir.md.
"""
