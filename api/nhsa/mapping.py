"""The national settlement platform's vocabulary (国家医疗保障信息平台): our documents in its field names.

Hospital systems settle through the platform's numbered transactions — 2207 (门诊结算) and 2304
(住院结算) answer a ``setlinfo`` node with one amount field per fund (``hifp_pay``, ``hifmi_pay`` …)
and a ``setldetail`` row per fund-pay-type code (基金支付类型, ``fund_pay_type``); 1101 (人员信息获取)
answers the member's insurance type (险种类型), state and region. This module maps the ledger's
settlement document and status document to that vocabulary, using the code table
``api/nhsa/codes.yaml`` (each entry cited, see docs/nhsa.md). It is pure: the table arrives
parsed, the documents arrive built; nothing is recomputed, every amount is one of the document's
own, converted between yuan strings and fen through :mod:`domain.money` only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.contract import ClaimSubmittedData
from domain.errors import LedgerError
from domain.money import format_yuan, parse_yuan
from domain.settlement.model import LAYER_ORDER

#: Version of the NHSA representation (a new field is added compatibly; a renamed one bumps it).
NHSA_VERSION = 1
#: How sure an entry of the code table is (docs/nhsa.md explains each).
ENTRY_STATUSES = ("verified", "corroborated", "reading", "unverified")
#: The platform's field length for ``setl_proc_info`` (结算过程信息, 字符型 4000 in the 2207 specification).
SETTLEMENT_PROCESS_INFO_CHARS_MAX = 4000
#: Transactions the representations mirror.
OUTPATIENT_SETTLEMENT_INFNO = "2207"
INPATIENT_SETTLEMENT_INFNO = "2304"
PERSON_QUERY_INFNO = "1101"
#: Programme balances (outpatient pooling, chronic, two diseases …) are the basic pool's own caps.
PROGRAMME_BALANCE_LAYER = "basic_pool"
_SCHEMES = ("employee", "resident")


class NhsaTableError(LedgerError):
    """The NHSA code table is malformed: names the entry and what is wrong with it."""

    code = "nhsa_table"


@dataclass(frozen=True)
class Code:
    """One code of the platform with its Chinese name, how sure we are of it and where it comes from."""

    code: str
    name: str
    status: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class FundLayer:
    """How one of our fund layers is reported: a fund-pay-type code (per scheme where it splits) and a field."""

    layer: str
    codes: Mapping[str, Code]
    setlinfo_field: str
    status: str
    sources: tuple[str, ...]
    note: str

    def code_for(self, scheme: str | None) -> Code:
        """The fund-pay-type code of this layer for the member's scheme."""
        if "*" in self.codes:
            return self.codes["*"]
        if scheme is None or scheme not in self.codes:
            raise NhsaTableError(f"fund layer {self.layer} has no fund_pay_type for scheme {scheme!r}")
        return self.codes[scheme]


@dataclass(frozen=True)
class AccountShare:
    """The personal account's part of one claim's member share, and the account after it (个人账户).

    ``paid_fen``: what the member's account paid towards this claim's share (the fold's accepted
    ``settlement_share`` debits naming the claim); ``balance_fen``: the account balance after them
    (None: the member has no personal account, e.g. a resident).
    """

    paid_fen: int
    balance_fen: int | None


@dataclass(frozen=True)
class NhsaCodeTable:
    """The parsed ``nhsa_codes.yaml``: fund layers, settlement fields, insurance types, regions, states."""

    version: int
    sources: Mapping[str, Mapping[str, Any]]
    fund_layers: Mapping[str, FundLayer]
    settlement_fields: Mapping[str, Mapping[str, Any]]
    detail_fields: Mapping[str, Mapping[str, Any]]
    insurance_types: Mapping[str, Code]
    regions: Mapping[str, Code]
    insurance_states: Mapping[str, Code]
    #: 人员类别 (psn_type) per ledger person type; codes only where a public source gives them.
    person_types: Mapping[str, Mapping[str, Any]]
    #: 人员身份类别 (idetinfo.psn_idet_type) per certified category of the contract.
    identity_types: Mapping[str, Mapping[str, Any]]

    def layer(self, layer: str) -> FundLayer:
        if layer not in self.fund_layers:
            raise NhsaTableError(f"fund layer {layer} is not in the NHSA code table")
        return self.fund_layers[layer]


# ---------------------------------------------------------------------------------------- parsing


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise NhsaTableError(f"{where}: expected a mapping")
    return value


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise NhsaTableError(f"{where}.{key}: expected a non-empty string")
    return value


def _provenance(entry: Mapping[str, Any], where: str, known: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    status = _text(entry, "status", where)
    if status not in ENTRY_STATUSES:
        raise NhsaTableError(f"{where}.status: {status!r} is not one of {', '.join(ENTRY_STATUSES)}")
    sources = entry.get("sources")
    if not isinstance(sources, list) or not sources:
        raise NhsaTableError(f"{where}.sources: every entry cites at least one source")
    unknown = [s for s in sources if s not in known]
    if unknown:
        raise NhsaTableError(f"{where}.sources: {', '.join(map(str, unknown))} not under sources")
    return status, tuple(str(s) for s in sources)


def _code(entry: Mapping[str, Any], where: str, known: Mapping[str, Any], **inherited: Any) -> Code:
    if "status" not in entry and inherited:
        entry = {**inherited, **entry}
    status, sources = _provenance(entry, where, known)
    return Code(code=_text(entry, "code", where), name=_text(entry, "name", where), status=status, sources=sources)


def _codes(section: object, where: str, known: Mapping[str, Any]) -> dict[str, Code]:
    return {
        str(key): _code(_mapping(value, f"{where}.{key}"), f"{where}.{key}", known)
        for key, value in _mapping(section, where).items()
    }


def _fund_layer(layer: str, entry: Mapping[str, Any], known: Mapping[str, Any]) -> FundLayer:
    where = f"fund_layers.{layer}"
    status, sources = _provenance(entry, where, known)
    raw = _mapping(entry.get("fund_pay_type"), f"{where}.fund_pay_type")
    inherited = {"status": status, "sources": list(sources)}
    if "code" in raw:
        codes = {"*": _code(raw, f"{where}.fund_pay_type", known, **inherited)}
    else:
        codes = {
            str(scheme): _code(_mapping(value, f"{where}.fund_pay_type.{scheme}"), where, known, **inherited)
            for scheme, value in raw.items()
        }
        missing = [s for s in _SCHEMES if s not in codes]
        if missing:
            raise NhsaTableError(f"{where}.fund_pay_type: no code for scheme {', '.join(missing)}")
    for code in codes.values():
        if len(code.code) != 6 or not code.code.isdigit():
            raise NhsaTableError(f"{where}.fund_pay_type: {code.code!r} is not a six-digit fund-pay-type code")
    return FundLayer(
        layer=layer,
        codes=codes,
        setlinfo_field=_text(entry, "setlinfo_field", where),
        status=status,
        sources=sources,
        note=str(entry.get("note", "")),
    )


def parse_code_table(source: object) -> NhsaCodeTable:
    """Check and parse the loaded YAML of the code table; fails loudly naming the entry."""
    root = _mapping(source, "nhsa code table")
    version = root.get("version")
    if not isinstance(version, int):
        raise NhsaTableError("version: expected an integer")
    known = _mapping(root.get("sources"), "sources")
    layers = {
        str(layer): _fund_layer(str(layer), _mapping(entry, f"fund_layers.{layer}"), known)
        for layer, entry in _mapping(root.get("fund_layers"), "fund_layers").items()
    }
    unknown_layers = sorted(set(layers) - set(LAYER_ORDER))
    if unknown_layers:
        raise NhsaTableError(f"fund_layers: {', '.join(unknown_layers)} are not ledger layers")
    fields: dict[str, dict[str, dict[str, Any]]] = {}
    for section in ("settlement_fields", "detail_fields", "person_types", "identity_types"):
        fields[section] = {}
        for name, entry in _mapping(root.get(section, {}), section).items():
            checked = _mapping(entry, f"{section}.{name}")
            _provenance(checked, f"{section}.{name}", known)
            if section in ("person_types", "identity_types"):
                _text(checked, "name", f"{section}.{name}")
                if checked.get("code") is not None and not isinstance(checked["code"], str):
                    raise NhsaTableError(f"{section}.{name}.code: a string or null")
            fields[section][str(name)] = dict(checked)
    return NhsaCodeTable(
        version=version,
        sources=known,
        fund_layers=layers,
        settlement_fields=fields["settlement_fields"],
        detail_fields=fields["detail_fields"],
        insurance_types=_codes(root.get("insurance_types"), "insurance_types", known),
        regions=_codes(root.get("regions"), "regions", known),
        insurance_states=_codes(root.get("insurance_states"), "insurance_states", known),
        person_types=fields["person_types"],
        identity_types=fields["identity_types"],
    )


# ---------------------------------------------------------------------------------------- settlement


def cited_parameter(parameter: Mapping[str, Any]) -> str:
    """``name = value (document section)``; a table-valued parameter is named without its whole table."""
    value = parameter["value"]
    shown = "" if isinstance(value, dict | list) else f" = {value}"
    reference = parameter["reference"]
    return f"{parameter['name']}{shown} ({reference['document']} {reference['section']})"


def _layer_process_info(document: Mapping[str, Any], layer: str) -> str:
    """The settlement's explanations of one layer, each with the parameters and references it used."""
    parts: list[str] = []
    for item in document.get("explanations", []):
        if item.get("field") != f"layers.{layer}":
            continue
        cited = [cited_parameter(p) for p in item.get("parameters", [])]
        parts.append(item["text"] + (f" [{'; '.join(cited)}]" if cited else ""))
    return " | ".join(parts)[:SETTLEMENT_PROCESS_INFO_CHARS_MAX]


def _payable_before_fen(balance: Mapping[str, Any] | None, paid_fen: int) -> int | None:
    """``crt_payb_lmt_amt``: the yearly cap's room before this claim (docs/nhsa.md states the reading)."""
    if balance is None or balance.get("cap") is None:
        return None
    cap_fen = parse_yuan(balance["cap"])
    remaining_fen = parse_yuan(balance["remaining"])
    return min(cap_fen, remaining_fen + paid_fen)


def settlement_nhsa(
    document: Mapping[str, Any],
    *,
    table: NhsaCodeTable,
    scheme: str | None,
    claim: ClaimSubmittedData | None = None,
    account: AccountShare | None = None,
) -> dict[str, Any]:
    """The settlement document (``Settlement.as_json``) as the platform's ``setlinfo`` and ``setldetail``.

    ``scheme`` is the scheme of the edition that settled the claim (the basic pool's fund code
    depends on it); ``claim`` adds the bill's policy-scope, out-of-scope and pre-self-pay amounts.
    Every fund field of the platform is present ("0.00" where the scheme has no such layer), and
    the fund fields add up to ``fund_pay_sumamt`` (asserted). ``account`` splits the member's share
    into what the personal account paid (``acct_pay``) and cash (``psn_cash_pay``), with the
    account balance after (``balc``); without it the whole share is cash. ``oth_pay`` is "0.00":
    the ledger records no payer besides the funds, the account and the member. A ``setldetail``
    row is written for each layer that paid, and for a layer that paid nothing only when its
    explanations say why (its ``setl_proc_info``).
    """
    layers: Mapping[str, str] = document["layers"]
    fund_fields = {entry.setlinfo_field: 0 for entry in table.fund_layers.values()}
    details: list[dict[str, Any]] = []
    for layer in (name for name in LAYER_ORDER if name in layers):
        entry = table.layer(layer)
        code = entry.code_for(scheme)
        paid_fen = parse_yuan(layers[layer])
        fund_fields[entry.setlinfo_field] += paid_fen
        process_info = _layer_process_info(document, layer)
        if paid_fen == 0 and not process_info:
            continue  # a zero row with no text tells the hospital nothing
        detail: dict[str, Any] = {
            "fund_pay_type": code.code,
            "fund_pay_type_name": code.name,
            "fund_payamt": format_yuan(paid_fen),
        }
        payable = _payable_before_fen(document.get("balances_after", {}).get(layer), paid_fen)
        if payable is not None:
            detail["crt_payb_lmt_amt"] = format_yuan(payable)
        detail["setl_proc_info"] = process_info
        details.append(detail)
    fund_total_fen = parse_yuan(document["fund_total"])
    assert sum(fund_fields.values()) == fund_total_fen, "the platform's fund fields add up to the fund total"
    setlinfo: dict[str, Any] = {
        "psn_no": document["member_id"],
        "insutype": table.insurance_types[scheme].code
        if scheme is not None and scheme in table.insurance_types
        else None,
        "medfee_sumamt": document["total_amount"],
    }
    if claim is not None:
        setlinfo |= {
            "inscp_scp_amt": format_yuan(claim.policy_amount),
            "fulamt_ownpay_amt": format_yuan(claim.out_of_scope),
            "preselfpay_amt": format_yuan(claim.pre_self_pay),
        }
    setlinfo |= {"act_pay_dedc": document["deductible"]}
    setlinfo |= {name: format_yuan(fen) for name, fen in fund_fields.items()}
    member_pays_fen = parse_yuan(document["member_pays"])
    account_paid_fen = account.paid_fen if account is not None else 0
    assert 0 <= account_paid_fen <= member_pays_fen, "the account pays at most the member's share"
    setlinfo |= {
        "fund_pay_sumamt": format_yuan(fund_total_fen),
        "psn_part_amt": document["member_pays"],
        "acct_pay": format_yuan(account_paid_fen),
        "psn_cash_pay": format_yuan(member_pays_fen - account_paid_fen),
        "oth_pay": format_yuan(0),
        "balc": format_yuan(account.balance_fen if account is not None and account.balance_fen is not None else 0),
    }
    representation: dict[str, Any] = {"nhsa_version": NHSA_VERSION}
    if claim is not None:
        inpatient = claim.setting.value == "inpatient"
        representation["infno"] = INPATIENT_SETTLEMENT_INFNO if inpatient else OUTPATIENT_SETTLEMENT_INFNO
    representation |= {
        "setlinfo": setlinfo,
        "setldetail": details,
        "ledger": {
            "claim_id": document["claim_id"],
            "status": document["status"],
            "edition": document["edition"],
            "reasons": list(document["reasons"]),
        },
    }
    return representation


# ---------------------------------------------------------------------------------------- status


def _insurance_state(document: Mapping[str, Any]) -> str:
    if document["suspended"]:
        return "suspended"
    return "insured" if document["covered"] else "not_insured"


def _balance_row(table: NhsaCodeTable, key: str, balance: Mapping[str, Any], scheme: str | None) -> dict[str, Any]:
    layer = key if key in table.fund_layers else PROGRAMME_BALANCE_LAYER
    code = table.layer(layer).code_for(scheme)
    return {
        "fund_pay_type": code.code,
        "fund_pay_type_name": code.name,
        "ledger_balance": key,
        "cap": balance.get("cap"),
        "used": balance["used"],
        "remaining": balance.get("remaining"),
    }


#: Resident person types by certified category, first match wins (a newborn who is also a minor is a newborn).
_RESIDENT_CATEGORY_TYPES = (
    ("newborn", "resident_newborn"),
    ("university_student", "resident_university_student"),
    ("student", "resident_student"),
    ("minor", "resident_minor"),
    ("adult", "resident_adult"),
)
#: 成年居民 = 年满18周岁 (001 参保范围); used only when no resident category is certified.
ADULT_FROM_AGE = 18


def _retired(document: Mapping[str, Any], held: set[str]) -> bool:
    """Retired on the date asked: a certified ``retired`` category, or retiree benefits started by then.

    The same two facts as :func:`domain.entitlements.contribution_years.retired_on`, read from the
    status document (``contribution_years.retiree_benefits_from``) instead of folded again.
    """
    if "retired" in held:
        return True
    years = document.get("contribution_years") or {}
    start = years.get("retiree_benefits_from")
    return start is not None and str(start) <= str(document["as_of"])


def person_type(document: Mapping[str, Any], categories: Sequence[CategoryHeld], age: int | None = None) -> str | None:
    """The member's person type (人员类别) on the date asked, a key of the table's ``person_types``.

    Employees: retired or in service (:func:`_retired`), as a civil servant, a flexible worker or
    an ordinary employee by the certified categories held. Residents: by the certified resident
    category (newborn, university student, student, minor, adult), else by ``age`` on the date
    asked (under :data:`ADULT_FROM_AGE`: a minor whose schooling is unknown), else ``resident``.
    """
    held = {c.category for c in categories}
    if document["scheme"] == "resident":
        for category, kind in _RESIDENT_CATEGORY_TYPES:
            if category in held:
                return kind
        if age is None:
            return "resident"
        return "resident_adult" if age >= ADULT_FROM_AGE else "resident_minor_by_age"
    if document["scheme"] != "employee":
        return None
    stage = "retired" if _retired(document, held) else "in_service"
    for category in ("civil_servant", "flexible"):
        if category in held:
            return f"employee_{category}_{stage}"
    return f"employee_{stage}"


@dataclass(frozen=True)
class CategoryHeld:
    """A certified category (人员身份) the member holds on the date asked, with its validity."""

    category: str
    valid_from: str
    valid_to: str | None


def _idetinfo(table: NhsaCodeTable, categories: Sequence[CategoryHeld]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for held in categories:
        entry = table.identity_types.get(held.category)
        rows.append(
            {
                "psn_idet_type": None if entry is None else entry.get("code"),
                "psn_idet_type_name": None if entry is None else entry["name"],
                "ledger_category": held.category,
                "begntime": f"{held.valid_from} 00:00:00",
                "endtime": "" if held.valid_to is None else f"{held.valid_to} 23:59:59",
            }
        )
    return rows


def status_nhsa(
    document: Mapping[str, Any],
    *,
    table: NhsaCodeTable,
    categories: Sequence[CategoryHeld] = (),
    age: int | None = None,
) -> dict[str, Any]:
    """The status document v1 as the platform's 1101 ``baseinfo`` / ``insuinfo`` / ``idetinfo``, with balances.

    ``insuinfo.balc`` is the personal account's balance ("0.00" without one), ``psn_type`` the
    person type's code (:func:`person_type`, from the categories held, the status document's
    retirement and ``age`` on the date asked; null where the table has no code), its name always. ``idetinfo`` lists the
    certified categories held on the date asked. ``fund_balances`` is the ledger's own node (1101
    has none): each yearly balance under the fund-pay-type code of its layer, the basic pool's for
    programme caps.
    """
    scheme: str | None = document["scheme"]
    region: str | None = document["region"]
    insuinfo: list[dict[str, Any]] = []
    if scheme is not None:
        state = table.insurance_states[_insurance_state(document)]
        account = document.get("personal_account")
        kind = person_type(document, categories, age)
        kind_entry = table.person_types.get(kind or "")
        insuinfo.append(
            {
                "balc": account["balance"] if account else format_yuan(0),
                "insutype": table.insurance_types[scheme].code,
                "psn_type": None if kind_entry is None else kind_entry.get("code"),
                "psn_type_name": None if kind_entry is None else kind_entry["name"],
                "psn_insu_stas": state.code,
                # 参保日期: the start of the coverage spell the state comes from (null when not covered).
                "psn_insu_date": (document.get("spell") or {}).get("covered_from"),
                "insuplc_admdvs": table.regions[region].code
                if region is not None and region in table.regions
                else None,
            }
        )
    balances = [_balance_row(table, key, balance, scheme) for key, balance in document["caps"].items()]
    if document.get("major_illness") is not None:
        balances.append(_balance_row(table, "major_illness", document["major_illness"], scheme))
    return {
        "nhsa_version": NHSA_VERSION,
        "infno": PERSON_QUERY_INFNO,
        "baseinfo": {"psn_no": document["member_id"]},
        "insuinfo": insuinfo,
        "idetinfo": _idetinfo(table, categories),
        "fund_balances": balances,
        "ledger": {
            "as_of": document["as_of"],
            "known_at": document["known_at"],
            "edition": document["edition"],
            "region": region,
            "scheme": scheme,
            "benefits_active": document["benefits_active"],
            "benefits_start": document["benefits_start"],
            "waiting": document["waiting"],
            "spell": document.get("spell"),
        },
    }


#: The platform's answer envelope: ``infcode`` 0 for success (as in its published examples).
ENVELOPE_SUCCESS_INFCODE = 0


def enveloped(output: Mapping[str, Any]) -> dict[str, Any]:
    """The platform's ``{infcode, err_msg, output}`` envelope around an answer (a success)."""
    return {"infcode": ENVELOPE_SUCCESS_INFCODE, "err_msg": "", "output": dict(output)}


def missing_fund_layers(table: NhsaCodeTable, layers_by_scheme: Mapping[str, tuple[str, ...]]) -> list[str]:
    """``layer/scheme`` pairs of rule sets with no fund-pay-type code in the table (empty: complete)."""
    missing: list[str] = []
    for scheme, layers in sorted(layers_by_scheme.items()):
        for layer in layers:
            entry = table.fund_layers.get(layer)
            if entry is None or ("*" not in entry.codes and scheme not in entry.codes):
                missing.append(f"{layer}/{scheme}")
    return missing


__all__ = [
    "NHSA_VERSION",
    "AccountShare",
    "CategoryHeld",
    "Code",
    "FundLayer",
    "NhsaCodeTable",
    "NhsaTableError",
    "cited_parameter",
    "enveloped",
    "missing_fund_layers",
    "parse_code_table",
    "person_type",
    "settlement_nhsa",
    "status_nhsa",
]
