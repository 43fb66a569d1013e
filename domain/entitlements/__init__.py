"""Entitlements: the fold of a member's events with rule editions into what they are owed.

``fold_member`` walks the member's events in effective-date order under the editions of their
region and scheme: coverage spells and waiting periods, continuity and incentives, and every
claim settled (``domain.settlement``) against the entitlements and balances in force on its
date. ``status_document`` renders the result on a date as the status document v1.
"""
