"""Adapter for the NHSA representation (``?format=nhsa``): read the code table, hand documents to api.nhsa.mapping.

The table ``api/nhsa/codes.yaml`` is read and checked when this module is imported, so the
service refuses to start with a broken one (as with the rule sets).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from api.nhsa.mapping import (
    AccountShare,
    CategoryHeld,
    NhsaCodeTable,
    NhsaTableError,
    enveloped,
    parse_code_table,
    settlement_nhsa,
    status_nhsa,
)
from domain.contract import ClaimSubmittedData, parse_event
from domain.entitlements.fold import MemberLedger
from domain.errors import LedgerError
from domain.member_stream import RecordedEvent
from domain.policies import Edition

NHSA_CODES_FILE: Path = Path(__file__).resolve().parent / "codes.yaml"
#: The code table is small; a larger file is refused before parsing (limits everywhere).
NHSA_CODES_FILE_BYTES_MAX = 200_000


class ResponseFormat(StrEnum):
    """Representations of the settlement and status documents: ours (default) or the national platform's."""

    LEDGER = "ledger"
    NHSA = "nhsa"


def load_code_table(path: Path = NHSA_CODES_FILE) -> NhsaCodeTable:
    text = path.read_bytes()
    if len(text) > NHSA_CODES_FILE_BYTES_MAX:
        raise NhsaTableError(f"{path.name} is above {NHSA_CODES_FILE_BYTES_MAX} bytes")
    return parse_code_table(yaml.safe_load(text.decode("utf-8")))


CODE_TABLE: NhsaCodeTable = load_code_table()


def scheme_of(editions: Mapping[str, Edition], document: Mapping[str, Any]) -> str | None:
    """The scheme of the edition that made a settlement (by name, else by hash for what-if editions); a
    settlement by a partial rule set serving both schemes names the member's own ``scheme``."""
    if isinstance(document.get("scheme"), str):
        return str(document["scheme"])
    named = document.get("edition")
    if not named:
        return None
    found = editions.get(named["name"])
    if found is None:
        found = next((e for e in editions.values() if e.content_hash == named["hash"]), None)
    return None if found is None else found.scheme


def _claim_data(raw: object) -> ClaimSubmittedData | None:
    try:
        event = parse_event(raw)
    except LedgerError:  # submit_claim parsed it first; a representation never fails on it
        return None
    data = getattr(event, "data", None)
    return data if isinstance(data, ClaimSubmittedData) else None


def account_share(ledger: MemberLedger, events: Sequence[RecordedEvent], claim_id: str) -> AccountShare | None:
    """What the member's personal account has paid towards ``claim_id`` and its balance after (None: no account).

    The fold's accepted ``settlement_share`` debits are matched to the claim through the
    PersonalAccountSpent events they came from (a refused debit moved no money and is not counted).
    """
    account = ledger.personal_account
    if account is None:
        return None
    for_claim = {
        str(e.event_id)
        for e in events
        if e.type == "PersonalAccountSpent"
        and e.data.get("purpose") == "settlement_share"
        and e.data.get("claim_id") == claim_id
    }
    paid = [m for m in account.movements if m.kind == "settlement_share" and str(m.event_id) in for_claim]
    return AccountShare(
        paid_fen=sum(m.amount_fen for m in paid),
        balance_fen=paid[-1].balance_after_fen if paid else account.balance_fen,
    )


def categories_held(ledger: MemberLedger, on: date) -> list[CategoryHeld]:
    """The certified categories the member holds on ``on``, in the order they were certified."""
    return [
        CategoryHeld(
            category=span.category,
            valid_from=span.valid_from.isoformat(),
            valid_to=None if span.valid_to is None else span.valid_to.isoformat(),
        )
        for span in ledger.facts.categories
        if span.covers(on)
    ]


def settlement_representation(
    editions: Mapping[str, Edition],
    document: Mapping[str, Any],
    *,
    raw_claim: object | None = None,
    account: AccountShare | None = None,
    envelope: bool = False,
) -> dict[str, Any]:
    """POST /v1/claims?format=nhsa: the settlement in the platform's 2207/2304 vocabulary."""
    claim = _claim_data(raw_claim) if raw_claim is not None else None
    answer = settlement_nhsa(
        document, table=CODE_TABLE, scheme=scheme_of(editions, document), claim=claim, account=account
    )
    return enveloped(answer) if envelope else answer


def status_representation(
    document: Mapping[str, Any],
    *,
    categories: Sequence[CategoryHeld] = (),
    age: int | None = None,
    envelope: bool = False,
) -> dict[str, Any]:
    """GET /v1/members/{id}/status?format=nhsa: the status in the platform's 1101 vocabulary."""
    answer = status_nhsa(document, table=CODE_TABLE, categories=categories, age=age)
    return enveloped(answer) if envelope else answer
