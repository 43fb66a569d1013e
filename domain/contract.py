"""Event contract v1: the envelope and the data of every event type the ledger accepts.

An event is what an insurance-system integration tells the ledger happened to one member:
its ``event_id`` (the idempotency key), the member, the ``type``, the effective date
``occurred_on``, the ``recorded_at`` time the ledger learned it (UTC, set by the server unless
a historical import supplies it), an optional ``source`` and the type's ``data``.

Money is a string in yuan with at most two decimals at the edge ("400.00") and ``int`` fen
inside; dates are ISO ``YYYY-MM-DD`` strings; unknown fields and types are refused. The
contract is versioned (:data:`CONTRACT_VERSION`): a v2 adds models here and an upcaster on the
stored event (``domain.member_stream``), never a silent rename.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from domain.errors import FieldProblem, InvalidBatch, InvalidEvents
from domain.money import MoneyFormatError, format_yuan, parse_yuan

CONTRACT_VERSION = 1

#: Most events one batch may carry (POST /v1/events, one import batch). TIGER_STYLE: a limit on everything.
BATCH_EVENTS_MAX = 10_000


# --------------------------------------------------------------------------- value types


def _parse_yuan_field(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, str):
        raise PydanticCustomError("money_type", 'must be a string in yuan with at most two decimals, e.g. "400.00"')
    try:
        return parse_yuan(value)
    except MoneyFormatError as error:
        raise PydanticCustomError("money_format", str(error)) from None


#: Yuan at the edge ("400.00"), int fen inside; serialised back to a two-decimal string.
YuanAmount = Annotated[
    int,
    BeforeValidator(_parse_yuan_field),
    PlainSerializer(format_yuan, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^(0|[1-9][0-9]{0,13})(\.[0-9]{1,2})?$", "examples": ["400.00"]}),
]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: Earliest and latest date the contract accepts anywhere (a birth, a payment, a coverage period …).
#: Nothing the ledger records can be true outside them, and every date arithmetic of the fold
#: (a year before, a month after) stays inside the calendar.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)


def _check_date_range(value: date) -> date:
    if not DATE_MIN <= value <= DATE_MAX:
        raise PydanticCustomError(
            "date_range",
            "{value} is outside the dates the ledger accepts ({low} to {high})",
            {"value": value.isoformat(), "low": DATE_MIN.isoformat(), "high": DATE_MAX.isoformat()},
        )
    return value


def _parse_iso_date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return _check_date_range(value)
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise PydanticCustomError("date_format", "must be a date written YYYY-MM-DD")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_value", "is not a real calendar date ({value})", {"value": value}) from None
    return _check_date_range(parsed)


#: A calendar date, ISO ``YYYY-MM-DD`` only (no timestamps, no other formats).
IsoDate = Annotated[
    date,
    BeforeValidator(_parse_iso_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]


def _require_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise PydanticCustomError("datetime_naive", "must carry a time zone (UTC, e.g. 2025-01-02T03:04:05Z)")
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        raise PydanticCustomError("date_range", "is outside the dates the ledger accepts") from None
    _check_date_range(moment.date())
    return moment


def _datetime_text(value: object) -> object:
    """A datetime is ISO text (or already a datetime): a number would be read as seconds since 1970."""
    if isinstance(value, (int, float)):
        raise PydanticCustomError("datetime_text", "must be an ISO datetime written as text, e.g. 2025-01-02T03:04:05Z")
    return value


UtcDatetime = Annotated[datetime, BeforeValidator(_datetime_text), AfterValidator(_require_utc)]

MemberId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$",
        description="The member's identifier in the integrating system (letters, digits, _ . : -).",
    ),
]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
#: A person's name as the integrating system holds it (姓名): personal data, shown only to member-reading
#: roles (docs/security.md). No digits, so an identity number can never be stored in it unpseudonymised.
PersonName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        pattern=r"^[^0-9０-９]*[^0-9０-９\s][^0-9０-９]*$",
        description="The member's name (姓名); optional, no digits.",
    ),
]
FacilityId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$",
        description="A designated facility's identifier (定点医疗机构编码; letters, digits, _ . : -).",
    ),
]


class Region(StrEnum):
    """Pooling area (统筹区) whose rules apply."""

    SHENYANG = "shenyang"
    BAZHONG = "bazhong"
    ANSHAN = "anshan"
    LIAONING = "liaoning"


class Sex(StrEnum):
    M = "M"
    F = "F"


class Scheme(StrEnum):
    """职工医保 (employee) or 城乡居民医保 (resident)."""

    EMPLOYEE = "employee"
    RESIDENT = "resident"


class Category(StrEnum):
    """Certified categories and person kinds (rules-digest §1)."""

    EXTREME_POVERTY = "extreme_poverty"  # 特困人员
    ORPHAN = "orphan"  # 孤儿
    MINIMUM_LIVING = "minimum_living"  # 低保对象
    NEAR_MINIMUM = "near_minimum"  # 低保边缘家庭成员
    MONITORED = "monitored"  # 防止返贫监测对象
    ILLNESS_POVERTY = "illness_poverty"  # 因病致贫重病患者
    SEVERE_DISABILITY = "severe_disability"  # 重度残疾
    ENTITLED_GROUP = "entitled_group"  # 优抚对象
    STUDENT = "student"  # 在校学生
    UNIVERSITY_STUDENT = "university_student"  # 大学生
    MINOR = "minor"  # 非在校未成年人
    ADULT = "adult"  # 成年居民
    NEWBORN = "newborn"  # 新生儿
    RETIRED = "retired"  # 退休
    IN_SERVICE = "in_service"  # 在职
    FLEXIBLE = "flexible"  # 灵活就业
    AGE_80_PLUS = "age_80_plus"  # 80周岁以上
    CIVIL_SERVANT = "civil_servant"  # 公务员
    VETERAN_OR_RELEASED = "veteran_or_released"  # 参保当年退役军人、刑满释放等人员 (not employed)


class ContributionKind(StrEnum):
    REGULAR = "regular"
    ARREARS = "arrears"  # 补缴
    REPAIR = "repair"  # 修复
    TRANSFER_IN = "transfer_in"


class CoverageEndReason(StrEnum):
    LEFT_EMPLOYMENT = "left_employment"
    TRANSFERRED_OUT = "transferred_out"
    DEATH = "death"
    DUPLICATE = "duplicate"
    OTHER = "other"


class RemoteCareKind(StrEnum):
    """异地就医备案: long-term residence, referral, other temporary."""

    LONG_TERM = "long_term"
    TEMPORARY_REFERRAL = "temporary_referral"
    TEMPORARY_OTHER = "temporary_other"


class Programme(StrEnum):
    CHRONIC = "chronic"  # 门诊慢特病
    SPECIAL = "special"
    TWO_DISEASES = "two_diseases"  # 两病
    SINGLE_PAYMENT_DRUG = "single_payment_drug"  # 单独支付药品


class ClaimSetting(StrEnum):
    INPATIENT = "inpatient"
    OUTPATIENT_POOLING = "outpatient_pooling"
    EMERGENCY = "emergency"
    CHRONIC = "chronic"
    SPECIAL = "special"
    TWO_DISEASES = "two_diseases"
    MATERNITY = "maternity"
    SINGLE_PAYMENT_DRUG = "single_payment_drug"


class FacilityLevel(StrEnum):
    COMMUNITY = "community"
    LEVEL1 = "level1"
    LEVEL2 = "level2"
    LEVEL2_CITY = "level2_city"
    LEVEL3 = "level3"
    LEVEL3_SPECIAL = "level3_special"
    UNRATED = "unrated"


class ClaimLocation(StrEnum):
    LOCAL = "local"
    REMOTE_LONG_TERM = "remote_long_term"
    REMOTE_TEMPORARY_REFERRAL = "remote_temporary_referral"
    REMOTE_TEMPORARY_OTHER = "remote_temporary_other"
    REMOTE_EMERGENCY = "remote_emergency"


class ClaimFlag(StrEnum):
    """Facts about a claim that change its settlement (deductible exemptions, transfers …)."""

    CANCER = "cancer"
    PSYCHIATRIC = "psychiatric"
    INFECTIOUS_HEPATITIS = "infectious_hepatitis"
    TUBERCULOSIS = "tuberculosis"
    AIDS = "aids"
    CHILDBIRTH = "childbirth"
    EMERGENCY = "emergency"
    TRANSFER_WITHIN_EPISODE = "transfer_within_episode"  # 转院 in one episode (Bazhong)
    BIG_CITY_LEVEL3 = "big_city_level3"  # remote big-city 三甲 mapped to 特三级
    FAMILY_DOCTOR = "family_doctor"  # 家庭医生签约
    VILLAGE_CLINIC = "village_clinic"  # 村卫生室
    LISTED_DISEASE = "listed_disease"  # listed diseases without large-amount deductible
    NON_DESIGNATED = "non_designated"  # non-designated facility (emergency)


class Relationship(StrEnum):
    """Close relatives (近亲属) a member may bind for family mutual aid (家庭共济)."""

    SPOUSE = "spouse"  # 配偶
    PARENT = "parent"  # 父母
    CHILD = "child"  # 子女
    SIBLING = "sibling"  # 兄弟姐妹
    GRANDPARENT = "grandparent"  # 祖父母
    MATERNAL_GRANDPARENT = "maternal_grandparent"  # 外祖父母
    GRANDCHILD = "grandchild"  # 孙子女
    MATERNAL_GRANDCHILD = "maternal_grandchild"  # 外孙子女


class AccountBaseKind(StrEnum):
    """What a declared monthly base is: the contribution base (缴费基数) or a retiree's reference pension."""

    CONTRIBUTION_BASE = "contribution_base"
    AVERAGE_PENSION_2022 = "average_pension_2022"  # Bazhong retirees: 2022 平均基本养老金


class AccountSpendPurpose(StrEnum):
    SETTLEMENT_SHARE = "settlement_share"  # the member's share of a settled claim
    PHARMACY = "pharmacy"  # 定点零售药店


class FamilyAidPurpose(StrEnum):
    RESIDENT_CONTRIBUTION = "resident_contribution"  # 近亲属居民医保个人缴费
    MEDICAL_COSTS = "medical_costs"  # 近亲属就医购药个人负担
    WALLET_TRANSFER = "wallet_transfer"  # 医保钱包 transfer to the relative's wallet


class FamilyAidChannel(StrEnum):
    ACCOUNT = "account"  # directly from the personal account (省内共济)
    WALLET = "wallet"  # 医保钱包 (跨省共济)


class PayoutReason(StrEnum):
    """个人账户余额一次性支付 (002 ch.2 二十六问)."""

    VOLUNTARY_TERMINATION = "voluntary_termination"
    DEATH = "death"


class DeemedBasis(StrEnum):
    """Why years are deemed paid (视同缴费年限)."""

    MILITARY_SERVICE = "military_service"  # 服现役年限
    PRE_2003_SERVICE = "pre_2003_service"  # 2002-12-31 前连续工龄
    OTHER = "other"


class MaternityKind(StrEnum):
    """Maternity events of the allowance tables (生育津贴计发标准)."""

    MISCARRIAGE_UNDER_4_MONTHS = "miscarriage_under_4_months"
    TERMINATION_4_MONTHS_PLUS = "termination_4_months_plus"
    STILLBIRTH_28_WEEKS_PLUS = "stillbirth_28_weeks_plus"
    NATURAL = "natural"
    CAESAREAN_OR_DIFFICULT = "caesarean_or_difficult"
    MALE_NURSING_LEAVE = "male_nursing_leave"  # the father's 护理假


class InsuredAs(StrEnum):
    """How the member was insured at a maternity event: an employer's employee or one of the 两类人员."""

    EMPLOYEE = "employee"
    FLEXIBLE = "flexible"  # 灵活就业
    UNEMPLOYED = "unemployed"  # 领取失业保险金人员


# --------------------------------------------------------------------------- text rules

#: Characters no string of the contract may hold: C0 controls (NUL included), DEL, C1 controls and
#: lone UTF-16 surrogates. None is printable; NUL and surrogates cannot even be stored in PostgreSQL text.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _text_problem(value: object) -> str | None:
    """Why a field's value breaks the text rules (strings, also inside lists), else None."""
    if isinstance(value, str):
        found = FORBIDDEN_CHARACTERS.search(value)
        if found is not None:
            return f"holds the control character U+{ord(found.group(0)):04X} at position {found.start()}"
    elif isinstance(value, (list, tuple)):
        for item in value:
            problem = _text_problem(item)
            if problem is not None:
                return problem
    return None


class _Contract(BaseModel):
    """Every contract model (envelopes, data): closed, immutable, and its strings free of control characters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="after")
    def _printable_text(self) -> _Contract:
        # Every value is looked at once; only a model holding a control character is walked field by field
        # (to name the field). ``__dict__`` holds exactly the fields: the models are closed.
        search = FORBIDDEN_CHARACTERS.search
        for value in self.__dict__.values():
            if isinstance(value, str):
                if search(value) is None:
                    continue
            elif not isinstance(value, (list, tuple)) or _text_problem(value) is None:
                continue
            break
        else:
            return self
        values = self.__dict__
        for name in type(self).model_fields:
            value = values[name]
            if isinstance(value, str) and FORBIDDEN_CHARACTERS.search(value) is None:
                continue  # the common cases, decided here without a call
            if not isinstance(value, (str, list, tuple)):
                continue
            problem = _text_problem(value)
            if problem is not None:
                raise PydanticCustomError("control_character", "{problem}", {"field": name, "problem": problem})
        return self  # pragma: no cover - the walk above found the value that brought it here


# --------------------------------------------------------------------------- data per type


class _Data(_Contract):
    pass


def _check_range(start: date, end: date | None, *, end_field: str, start_field: str) -> None:
    if end is not None and end < start:
        raise PydanticCustomError(
            "range_order",
            "{end_field} {end} is before {start_field} {start}",
            {
                "field": end_field,
                "end_field": end_field,
                "start_field": start_field,
                "end": str(end),
                "start": str(start),
            },
        )


class MemberRegisteredData(_Data):
    region: Region
    birth_date: IsoDate
    sex: Sex
    #: Optional (added after v1 events were written: those parse without it).
    name: PersonName | None = None


class CategoryCertifiedData(_Data):
    category: Category
    valid_from: IsoDate
    valid_to: IsoDate | None = None

    @model_validator(mode="after")
    def _range(self) -> CategoryCertifiedData:
        _check_range(self.valid_from, self.valid_to, end_field="valid_to", start_field="valid_from")
        return self


class CategoryRevokedData(_Data):
    category: Category
    valid_to: IsoDate


class ContributionPaidData(_Data):
    """A payment (缴费) covering ``coverage_start``..``coverage_end`` inclusive.

    Residents pay one calendar year (Jan 1 – Dec 31); employees pay whole months.
    """

    scheme: Scheme
    region: Region
    coverage_start: IsoDate
    coverage_end: IsoDate
    amount: YuanAmount
    kind: ContributionKind

    @model_validator(mode="after")
    def _period(self) -> ContributionPaidData:
        _check_range(self.coverage_start, self.coverage_end, end_field="coverage_end", start_field="coverage_start")
        if self.scheme is Scheme.RESIDENT:
            year = self.coverage_start.year
            if self.coverage_start != date(year, 1, 1):
                raise PydanticCustomError(
                    "resident_period",
                    "a resident contribution covers one calendar year: coverage_start must be {year}-01-01",
                    {"field": "coverage_start", "year": year},
                )
            if self.coverage_end != date(year, 12, 31):
                raise PydanticCustomError(
                    "resident_period",
                    "a resident contribution covers one calendar year: coverage_end must be {year}-12-31",
                    {"field": "coverage_end", "year": year},
                )
        else:
            if self.coverage_start.day != 1:
                raise PydanticCustomError(
                    "employee_period",
                    "an employee contribution covers whole months: coverage_start must be the 1st of a month",
                    {"field": "coverage_start"},
                )
            if _next_day(self.coverage_end).day != 1:
                raise PydanticCustomError(
                    "employee_period",
                    "an employee contribution covers whole months: coverage_end must be the last day of a month",
                    {"field": "coverage_end"},
                )
        return self


def _next_day(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)


class CoverageEndedData(_Data):
    scheme: Scheme
    reason: CoverageEndReason


class RemoteCareFiledData(_Data):
    kind: RemoteCareKind
    valid_from: IsoDate
    valid_to: IsoDate | None = None
    place: ShortText

    @model_validator(mode="after")
    def _range(self) -> RemoteCareFiledData:
        _check_range(self.valid_from, self.valid_to, end_field="valid_to", start_field="valid_from")
        return self


class ConditionCertifiedData(_Data):
    programme: Programme
    condition: ShortText
    valid_from: IsoDate
    valid_to: IsoDate | None = None

    @model_validator(mode="after")
    def _range(self) -> ConditionCertifiedData:
        _check_range(self.valid_from, self.valid_to, end_field="valid_to", start_field="valid_from")
        return self


class ClaimSubmittedData(_Data):
    """A hospital or pharmacy bill. ``policy_amount + out_of_scope + pre_self_pay = total_amount``.

    ``policy_amount`` is the policy-scope cost (政策范围内费用), ``pre_self_pay`` the 乙类先行自付
    part and ``out_of_scope`` the 自费 part.
    """

    claim_id: ShortText
    setting: ClaimSetting
    admitted_on: IsoDate
    discharged_on: IsoDate
    facility_level: FacilityLevel
    location: ClaimLocation
    total_amount: YuanAmount
    policy_amount: YuanAmount
    pre_self_pay: YuanAmount
    out_of_scope: YuanAmount
    flags: list[ClaimFlag] = Field(default_factory=list, max_length=len(ClaimFlag))
    condition: ShortText | None = None
    applied_on: IsoDate | None = Field(
        default=None,
        description="The day the member applied for settlement (申请结算); absent, the day the claim was recorded.",
    )
    #: The designated facility where care was taken; checked against the places the benefit allows.
    facility_id: FacilityId | None = None
    #: The general consultation fee (一般诊疗费) inside ``policy_amount``, settled on its own line.
    general_consultation_fee: YuanAmount | None = None

    @model_validator(mode="after")
    def _consultation_fee_within_policy(self) -> ClaimSubmittedData:
        if self.general_consultation_fee is not None and self.general_consultation_fee > self.policy_amount:
            raise PydanticCustomError(
                "consultation_fee_over_policy",
                "general_consultation_fee {fee} is more than policy_amount {policy}",
                {
                    "field": "general_consultation_fee",
                    "fee": format_yuan(self.general_consultation_fee),
                    "policy": format_yuan(self.policy_amount),
                },
            )
        return self

    @model_validator(mode="after")
    def _amounts(self) -> ClaimSubmittedData:
        _check_range(self.admitted_on, self.discharged_on, end_field="discharged_on", start_field="admitted_on")
        if self.applied_on is not None and self.applied_on < self.discharged_on:
            raise PydanticCustomError(
                "applied_before_discharge",
                "applied_on {applied_on} is before the discharge / service date {discharged_on}",
                {"field": "applied_on", "applied_on": str(self.applied_on), "discharged_on": str(self.discharged_on)},
            )
        parts = self.policy_amount + self.out_of_scope + self.pre_self_pay
        if parts != self.total_amount:
            raise PydanticCustomError(
                "amounts_sum",
                "policy_amount + out_of_scope + pre_self_pay = {parts} but total_amount is {total}",
                {"field": "total_amount", "parts": format_yuan(parts), "total": format_yuan(self.total_amount)},
            )
        return self

    @field_validator("flags")
    @classmethod
    def _flags_once_each_sorted(cls, flags: list[ClaimFlag]) -> list[ClaimFlag]:
        # Sorted so that the same set of flags is the same content, whatever order was sent.
        if len(set(flags)) != len(flags):
            raise PydanticCustomError("flags_repeated", "a flag appears twice")
        return sorted(flags)


class ClaimReversedData(_Data):
    claim_id: ShortText
    reason: ShortText


class ContributionBaseDeclaredData(_Data):
    """The member's monthly base from ``valid_from`` on: the contribution base (personal-account accrual,
    the 两类人员 maternity allowance) or, for Bazhong retirees, the 2022 average pension of their group."""

    kind: AccountBaseKind
    monthly_base: YuanAmount
    valid_from: IsoDate


class PersonalAccountSpentData(_Data):
    """Money paid from the member's own personal account (个人账户) for the member's own costs.

    A settlement share names the settled claim it pays (``claim_id``)."""

    purpose: AccountSpendPurpose
    amount: YuanAmount
    claim_id: ShortText | None = None

    @model_validator(mode="after")
    def _claim_named(self) -> PersonalAccountSpentData:
        if self.purpose is AccountSpendPurpose.SETTLEMENT_SHARE and self.claim_id is None:
            raise PydanticCustomError(
                "claim_required", "a settlement_share names the settled claim it pays", {"field": "claim_id"}
            )
        return self


class RelativeBoundData(_Data):
    """A close relative bound for family mutual aid (共济前需绑定家庭成员关系)."""

    relative_member_id: MemberId
    relationship: Relationship


class RelativeUnboundData(_Data):
    relative_member_id: MemberId


class FamilyAidTransferredData(_Data):
    """Personal-account money used for, or moved to, a bound close relative (家庭共济)."""

    relative_member_id: MemberId
    amount: YuanAmount
    purpose: FamilyAidPurpose
    channel: FamilyAidChannel = FamilyAidChannel.ACCOUNT
    cross_province: bool = Field(default=False, strict=True)

    @model_validator(mode="after")
    def _wallet_by_wallet(self) -> FamilyAidTransferredData:
        if self.purpose is FamilyAidPurpose.WALLET_TRANSFER and self.channel is not FamilyAidChannel.WALLET:
            raise PydanticCustomError(
                "wallet_channel", "a wallet_transfer goes through the wallet channel", {"field": "channel"}
            )
        return self


class PersonalAccountPaidOutData(_Data):
    """The account balance paid out once (一次性支付): the ledger computes the amount."""

    reason: PayoutReason


class ContributionYearsDeemedData(_Data):
    """Years deemed paid (视同缴费年限), in months."""

    basis: DeemedBasis
    months: int = Field(ge=1, le=720, strict=True)


class RetirementReachedData(_Data):
    """The member reached retirement (达到法定退休年龄 / 办理退休) in ``region``; ``occurred_on`` is the day."""

    region: Region


class ShortfallSettledData(_Data):
    """A one-off payment (趸缴 / 一次性补缴) for ``months`` missing at retirement, on a monthly reference base
    (Shenyang: the prior year's average wage per month; Bazhong: the minimum base of the payment year)."""

    region: Region
    months: int = Field(ge=1, le=720, strict=True)
    reference_monthly_base: YuanAmount
    amount: YuanAmount


class MaternityOccurredData(_Data):
    """A birth, termination or the father's nursing leave; ``occurred_on`` is the event (or the birth) day."""

    kind: MaternityKind
    babies: int = Field(default=1, ge=1, le=10, strict=True)
    in_plan: bool = Field(default=True, strict=True)
    insured_as: InsuredAs = InsuredAs.EMPLOYEE
    employer_average_monthly_wage: YuanAmount | None = None
    unemployment_benefit: YuanAmount | None = None
    maternity_insured_from: IsoDate | None = None


class PrimaryClinicChosenData(_Data):
    """The outpatient-pooling clinic the member chose (门诊统筹定点医疗机构, 001 门诊统筹待遇): one community
    health service centre or township health centre, in force from ``valid_from`` until the next choice.
    ``village_clinic_ids`` names the village clinics (村卫生室) of a chosen township, which count as chosen too.

    With ``filed_place``, the clinic is the one a long-term filed resident chose at the filed place (备案地,
    the ``place`` of their long_term ``RemoteCareFiled``): 001 异地就医待遇 2 选择一家备案地二级及以下定点医疗机构.
    Such a choice binds care at that place only; the choice at home stands beside it."""

    facility_id: FacilityId
    valid_from: IsoDate
    village_clinic_ids: list[FacilityId] = Field(default_factory=list, max_length=200)
    filed_place: ShortText | None = Field(
        default=None,
        description="The long-term filed place (备案地) where this clinic is; absent, a clinic at home.",
    )


class EventRetractedData(_Data):
    """A correction: the member's event ``retracted_event_id`` was recorded by mistake.

    From the retraction's ``recorded_at`` on, the fold ignores the retracted event for every
    ``as_of``; as known before, it still counts (reading ``retraction_time``). A corrected fact is a
    retraction plus a new event. Another retraction cannot be retracted.
    """

    retracted_event_id: UUID
    reason: ShortText


class MemberTransferredData(_Data):
    """A move of the member's insurance relation (医保关系转移接续) from one pooling region to another.

    002 ch.2 二十一问: 只转移参保关系和个人账户,缴费年限累计计算. ``account_balance`` is the
    personal-account balance that moved (absent: the balance the ledger computed moves, reading
    ``transfer_account_balance``).
    """

    from_region: Region
    to_region: Region
    scheme: Scheme
    transferred_on: IsoDate
    account_balance: YuanAmount | None = None

    @model_validator(mode="after")
    def _two_regions(self) -> MemberTransferredData:
        if self.from_region is self.to_region:
            raise PydanticCustomError(
                "same_region",
                "to_region must differ from from_region ({region})",
                {"field": "to_region", "region": self.to_region.value},
            )
        if self.scheme is Scheme.RESIDENT and self.account_balance is not None:
            raise PydanticCustomError(
                "resident_account",
                "a resident has no personal account: account_balance moves with an employee transfer only",
                {"field": "account_balance"},
            )
        return self


# --------------------------------------------------------------------------- envelopes


class _Envelope(_Contract):
    event_id: UUID = Field(description="Idempotency key: the same event_id with the same content is stored once.")
    member_id: MemberId
    occurred_on: IsoDate = Field(description="Effective date: when it happened in the world.")
    recorded_at: UtcDatetime | None = Field(
        default=None,
        description="When the ledger learned it (UTC). Set by the server; only historical imports may send it.",
    )
    source: ShortText | None = None


class MemberRegistered(_Envelope):
    type: Literal["MemberRegistered"]
    data: MemberRegisteredData


class CategoryCertified(_Envelope):
    type: Literal["CategoryCertified"]
    data: CategoryCertifiedData


class CategoryRevoked(_Envelope):
    type: Literal["CategoryRevoked"]
    data: CategoryRevokedData


class ContributionPaid(_Envelope):
    """``occurred_on`` is the payment date."""

    type: Literal["ContributionPaid"]
    data: ContributionPaidData


class CoverageEnded(_Envelope):
    type: Literal["CoverageEnded"]
    data: CoverageEndedData


class RemoteCareFiled(_Envelope):
    type: Literal["RemoteCareFiled"]
    data: RemoteCareFiledData


class ConditionCertified(_Envelope):
    type: Literal["ConditionCertified"]
    data: ConditionCertifiedData


class ClaimSubmitted(_Envelope):
    """``occurred_on`` is the discharge or service date and must equal ``data.discharged_on``."""

    type: Literal["ClaimSubmitted"]
    data: ClaimSubmittedData

    @model_validator(mode="after")
    def _service_date(self) -> ClaimSubmitted:
        if self.occurred_on != self.data.discharged_on:
            raise PydanticCustomError(
                "claim_date",
                "occurred_on {occurred_on} must be the discharge / service date data.discharged_on {discharged_on}",
                {
                    "field": "occurred_on",
                    "occurred_on": str(self.occurred_on),
                    "discharged_on": str(self.data.discharged_on),
                },
            )
        return self


class ClaimReversed(_Envelope):
    type: Literal["ClaimReversed"]
    data: ClaimReversedData


class ContributionBaseDeclared(_Envelope):
    type: Literal["ContributionBaseDeclared"]
    data: ContributionBaseDeclaredData


class PersonalAccountSpent(_Envelope):
    type: Literal["PersonalAccountSpent"]
    data: PersonalAccountSpentData


def _not_oneself(event: _Envelope, relative_member_id: str) -> None:
    if relative_member_id == event.member_id:
        raise PydanticCustomError(
            "relative_is_member",
            "a relative is another member, not the member themself",
            {"field": "data.relative_member_id"},
        )


class RelativeBound(_Envelope):
    type: Literal["RelativeBound"]
    data: RelativeBoundData

    @model_validator(mode="after")
    def _other_member(self) -> RelativeBound:
        _not_oneself(self, self.data.relative_member_id)
        return self


class RelativeUnbound(_Envelope):
    type: Literal["RelativeUnbound"]
    data: RelativeUnboundData


class FamilyAidTransferred(_Envelope):
    type: Literal["FamilyAidTransferred"]
    data: FamilyAidTransferredData

    @model_validator(mode="after")
    def _other_member(self) -> FamilyAidTransferred:
        _not_oneself(self, self.data.relative_member_id)
        return self


class PersonalAccountPaidOut(_Envelope):
    type: Literal["PersonalAccountPaidOut"]
    data: PersonalAccountPaidOutData


class ContributionYearsDeemed(_Envelope):
    type: Literal["ContributionYearsDeemed"]
    data: ContributionYearsDeemedData


class RetirementReached(_Envelope):
    type: Literal["RetirementReached"]
    data: RetirementReachedData


class ShortfallSettled(_Envelope):
    type: Literal["ShortfallSettled"]
    data: ShortfallSettledData


class MaternityOccurred(_Envelope):
    type: Literal["MaternityOccurred"]
    data: MaternityOccurredData


class PrimaryClinicChosen(_Envelope):
    type: Literal["PrimaryClinicChosen"]
    data: PrimaryClinicChosenData


class EventRetracted(_Envelope):
    """``occurred_on`` is the day of the correction; it takes effect by its recorded time."""

    type: Literal["EventRetracted"]
    data: EventRetractedData

    @model_validator(mode="after")
    def _not_itself(self) -> EventRetracted:
        if self.data.retracted_event_id == self.event_id:
            raise PydanticCustomError(
                "retracts_itself", "a retraction cannot retract itself", {"field": "data.retracted_event_id"}
            )
        return self


class MemberTransferred(_Envelope):
    """``occurred_on`` is the transfer date and must equal ``data.transferred_on``."""

    type: Literal["MemberTransferred"]
    data: MemberTransferredData

    @model_validator(mode="after")
    def _transfer_date(self) -> MemberTransferred:
        if self.occurred_on != self.data.transferred_on:
            raise PydanticCustomError(
                "transfer_date",
                "occurred_on {occurred_on} must be the transfer date data.transferred_on {transferred_on}",
                {
                    "field": "occurred_on",
                    "occurred_on": str(self.occurred_on),
                    "transferred_on": str(self.data.transferred_on),
                },
            )
        return self


ContractEvent = Annotated[
    (
        MemberRegistered
        | CategoryCertified
        | CategoryRevoked
        | ContributionPaid
        | CoverageEnded
        | RemoteCareFiled
        | ConditionCertified
        | ClaimSubmitted
        | ClaimReversed
        | ContributionBaseDeclared
        | PersonalAccountSpent
        | RelativeBound
        | RelativeUnbound
        | FamilyAidTransferred
        | PersonalAccountPaidOut
        | ContributionYearsDeemed
        | RetirementReached
        | ShortfallSettled
        | MaternityOccurred
        | PrimaryClinicChosen
        | EventRetracted
        | MemberTransferred
    ),
    Field(discriminator="type"),
]
"""Any v1 event, chosen by its ``type`` (types added later — employee accounts, corrections, moves — were added
to v1: additive only, every earlier event still parses)."""

EVENT_TYPES: tuple[str, ...] = (
    "MemberRegistered",
    "CategoryCertified",
    "CategoryRevoked",
    "ContributionPaid",
    "CoverageEnded",
    "RemoteCareFiled",
    "ConditionCertified",
    "ClaimSubmitted",
    "ClaimReversed",
    "ContributionBaseDeclared",
    "PersonalAccountSpent",
    "RelativeBound",
    "RelativeUnbound",
    "FamilyAidTransferred",
    "PersonalAccountPaidOut",
    "ContributionYearsDeemed",
    "RetirementReached",
    "ShortfallSettled",
    "MaternityOccurred",
    "PrimaryClinicChosen",
    "EventRetracted",
    "MemberTransferred",
)

EventBatch = Annotated[list[ContractEvent], Field(min_length=1, max_length=BATCH_EVENTS_MAX)]

_EVENT_ADAPTER: TypeAdapter[Any] = TypeAdapter(ContractEvent)
_BATCH_ADAPTER: TypeAdapter[Any] = TypeAdapter(list[ContractEvent])


# --------------------------------------------------------------------------- parsing


#: Invisible formatting characters (Unicode category Cf: soft hyphen, zero-width spaces and joiners, bidi
#: embeddings, overrides and isolates, the byte-order mark, tags): they change how text displays or
#: compares without showing, so ``C-1`` and ``C-1\u200b`` would be two claims that look like one, and a
#: right-to-left override makes a reason read backwards. Refused in new events (``parse_event``,
#: ``parse_batch``); events stored before are folded as they are.
INVISIBLE_CHARACTERS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)


def _plain_text(value: object, *, id_field: bool) -> bool:
    """Whether :func:`text_problems` finds nothing in ``value`` (JSON as decoded: dicts, lists, scalars), the
    field being an id (its name ends in ``_id``) or not. Anything else answers False, for the full walk."""
    kind = value.__class__
    if kind is str:
        text: str = value  # type: ignore[assignment]
        if INVISIBLE_CHARACTERS.search(text) is not None:
            return False
        return not id_field or text == unicodedata.normalize("NFKC", text).strip()
    if kind is dict:
        for name, item in value.items():  # type: ignore[attr-defined]
            if name.__class__ is not str:
                return False
            item_kind = item.__class__
            if item_kind is str:
                if INVISIBLE_CHARACTERS.search(item) is not None:
                    return False
                if name.endswith("_id") and item != unicodedata.normalize("NFKC", item).strip():
                    return False
            elif item_kind in _NO_TEXT:
                continue
            elif not _plain_text(item, id_field=name.endswith("_id")):
                return False
        return True
    if kind is list:
        return all(item.__class__ in _NO_TEXT or _plain_text(item, id_field=id_field) for item in value)  # type: ignore[attr-defined]
    return kind in _NO_TEXT


#: JSON values holding no text.
_NO_TEXT = frozenset({int, float, bool, type(None)})


def text_problems(raw: object, *, index: int = 0) -> list[FieldProblem]:
    """New events' strings free of invisible characters; their free-text ids (``claim_id``) also without
    surrounding spaces and in Unicode normal form NFKC, so that an id that looks the same is the same."""
    if _plain_text(raw, id_field=False):
        return []  # the common case, found without building a field path per value
    return _text_walk(raw, index=index)


def _text_walk(raw: object, *, index: int) -> list[FieldProblem]:
    """:func:`text_problems` value by value, each problem with its field's path."""
    problems: list[FieldProblem] = []
    event_id = _raw_event_id(raw)

    def check(value: object, field: str) -> None:
        if isinstance(value, Mapping):
            for name, item in value.items():
                check(item, f"{field}.{name}" if field else str(name))
        elif isinstance(value, list):
            for item in value:
                check(item, field)
        elif isinstance(value, str):
            found = INVISIBLE_CHARACTERS.search(value)
            if found is not None:
                reason = f"holds the invisible character U+{ord(found.group(0)):04X} at position {found.start()}"
                problems.append(FieldProblem(index, event_id, field, reason))
            elif field.endswith("_id") and value != unicodedata.normalize("NFKC", value).strip():
                reason = f"must be written plainly: no surrounding spaces, no compatibility forms (got {value!r})"
                problems.append(FieldProblem(index, event_id, field, reason))

    check(raw, "")
    return problems


class DuplicateKey(ValueError):
    """A JSON object names one key twice: which value counts would depend on the parser that reads it."""


def _object_without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(f"the key {key!r} appears twice in one object")
            seen.add(key)
    return document


def loads_json(text: str | bytes) -> object:
    """JSON as the ledger reads it: ``json.loads`` refusing an object that repeats a key.

    Python keeps the last of repeated keys, other parsers (an audit reader, a downstream system) the
    first: the same body would mean two different events, so it means none.
    """
    return json.loads(text, object_pairs_hook=_object_without_duplicate_keys)


def parse_event(raw: object, *, index: int = 0) -> _Envelope:
    """Validate one raw (JSON-decoded) new event, raising :class:`InvalidEvents` naming the field."""
    try:
        event = _EVENT_ADAPTER.validate_python(raw)
    except ValidationError as error:
        raise InvalidEvents(field_problems(error.errors(), raw_items=[raw], index_offset=index)) from None
    problems = text_problems(raw, index=index)
    if problems:
        raise InvalidEvents(problems)
    return event  # type: ignore[no-any-return]


def parse_batch(raw_items: object) -> list[_Envelope]:
    """Validate a whole batch; every invalid event is reported, nothing partially accepted."""
    if not isinstance(raw_items, list):
        raise InvalidBatch("the body must be a JSON array of events")
    if not 1 <= len(raw_items) <= BATCH_EVENTS_MAX:
        raise InvalidBatch(f"a batch holds 1 to {BATCH_EVENTS_MAX} events (got {len(raw_items)})")
    try:
        # The whole batch in one call into pydantic-core; only a batch with a problem is validated again event
        # by event, so each problem is reported exactly as for one event (field, index, event_id).
        events: list[_Envelope] = _BATCH_ADAPTER.validate_python(raw_items)
    except ValidationError:
        pass
    else:
        # A batch pydantic accepts may still hold invisible characters or look-alike ids (the text rules).
        found = [problem for index, raw in enumerate(raw_items) for problem in text_problems(raw, index=index)]
        if found:
            raise InvalidEvents(found)
        return events
    events = []
    problems: list[FieldProblem] = []
    for index, raw in enumerate(raw_items):
        try:
            events.append(_EVENT_ADAPTER.validate_python(raw))
        except ValidationError as error:
            problems.extend(field_problems(error.errors(), raw_items=[raw], index_offset=index))
        else:
            problems.extend(text_problems(raw, index=index))
    if problems:
        raise InvalidEvents(problems)
    return events


def field_problems(
    errors: Iterable[Mapping[str, Any]],
    *,
    raw_items: Sequence[object],
    index_offset: int = 0,
    loc_has_index: bool = False,
) -> list[FieldProblem]:
    """Turn pydantic errors into problems that name the event (index, event_id) and the field.

    ``loc`` is ``(type-tag, "data", field …)`` for one event, or ``(index, type-tag, …)`` when
    ``loc_has_index`` (a whole batch validated at once, as FastAPI does). A cross-field check
    names its field in ``ctx["field"]``.
    """
    problems: list[FieldProblem] = []
    for error in errors:
        loc = list(error.get("loc", ()))
        if loc_has_index and loc and isinstance(loc[0], int):
            position = loc.pop(0)
            raw = raw_items[position] if position < len(raw_items) else None
            index = index_offset + position
        else:
            raw = raw_items[0] if raw_items else None
            index = index_offset
        if loc and loc[0] in EVENT_TYPES:
            loc.pop(0)
        context = error.get("ctx") or {}
        named_field = context.get("field") if isinstance(context, Mapping) else None
        if named_field and named_field not in loc:
            loc.append(named_field)
        kind = error.get("type", "")
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            loc = ["type"]
            reason = "is missing" if kind == "union_tag_not_found" else f"must be one of {', '.join(EVENT_TYPES)}"
        elif kind == "extra_forbidden":
            reason = "is not a field of this event type"
        elif kind == "missing":
            reason = "is required"
        else:
            reason = str(error.get("msg", "is invalid"))
            reason = reason.removeprefix("Value error, ")
        problems.append(
            FieldProblem(
                index=index,
                event_id=_raw_event_id(raw),
                field=".".join(str(part) for part in loc) or "(event)",
                reason=reason,
            )
        )
    return problems


def _raw_event_id(raw: object) -> str | None:
    if isinstance(raw, Mapping):
        value = raw.get("event_id")
        if isinstance(value, str) and len(value) <= 64:
            return value
    return None


# --------------------------------------------------------------------------- what may be stored

#: A contribution may pay ahead at most into the calendar year after today's (a resident pays next
#: year's contribution in this year's collection period; nothing is collected further ahead).
PREPAY_YEARS_AHEAD = 1


def registration_region(event: _Envelope) -> str | None:
    """The region an event names in its ``region`` field (a registration's, a payment's), if any."""
    region = getattr(event.data, "region", None)  # type: ignore[attr-defined]
    return None if region is None else str(region)


def future_problems(events: Sequence[_Envelope], *, today: date, index_offset: int = 0) -> list[FieldProblem]:
    """Facts dated after ``today`` (in China) that a stored event may not state, one problem each.

    Applied where the ledger *stores* events (``POST /v1/events``, ``POST /v1/claims``, ``ledger
    import``), not to what-ifs (scenarios, ``$evaluate``, replays of a patched edition), which may
    describe the future. Every event's ``occurred_on`` (a discharge, a payment, a retirement …), a
    claim's application, a birth and the start of maternity insurance have happened by today; a paid coverage period may
    lie ahead only into the next calendar year (:data:`PREPAY_YEARS_AHEAD`).
    """
    problems: list[FieldProblem] = []
    prepay_end = date(today.year + PREPAY_YEARS_AHEAD, 12, 31)

    def problem(index: int, event: _Envelope, field: str, reason: str) -> None:
        problems.append(FieldProblem(index=index, event_id=str(event.event_id), field=field, reason=reason))

    for offset, event in enumerate(events):
        index = index_offset + offset
        if event.occurred_on > today:
            problem(
                index,
                event,
                "occurred_on",
                f"{event.occurred_on} is after today ({today} in China): only what has happened is stored",
            )
        data: Any = getattr(event, "data", None)
        for name in _past_date_fields(data.__class__):
            value = getattr(data, name, None)
            if isinstance(value, date) and value > today:
                problem(index, event, f"data.{name}", f"{value} is after today ({today} in China)")
        if isinstance(data, ContributionPaidData) and data.coverage_end > prepay_end:
            problem(
                index,
                event,
                "data.coverage_end",
                f"{data.coverage_end} is after {prepay_end}: a contribution "
                f"pays ahead at most into the next calendar year",
            )
    return problems


#: Data fields holding a day that has happened by the time the event is stored.
_PAST_DATE_FIELDS = ("birth_date", "maternity_insured_from", "applied_on")


@functools.cache
def _past_date_fields(data_type: type) -> tuple[str, ...]:
    """Which of :data:`_PAST_DATE_FIELDS` a data model has (asking a model for a field it lacks is slow)."""
    fields = getattr(data_type, "model_fields", {})
    return tuple(name for name in _PAST_DATE_FIELDS if name in fields)


def refuse_future(events: Sequence[_Envelope], *, today: date, index_offset: int = 0) -> None:
    """Raise :class:`InvalidEvents` when :func:`future_problems` finds any (nothing of the batch is stored)."""
    problems = future_problems(events, today=today, index_offset=index_offset)
    if problems:
        raise InvalidEvents(problems)


# --------------------------------------------------------------------------- content identity


#: Optional data fields added to v1 after events were stored: left out of the digest when absent.
OPTIONAL_FIELDS_ADDED_LATER: tuple[str, ...] = (
    "applied_on",
    "facility_id",
    "general_consultation_fee",
    "filed_place",
    "name",
)


#: The canonical JSON of the content digest: sorted keys, compact, UTF-8 unescaped.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_sha256(event: _Envelope) -> str:
    """Digest of what an event says, for idempotency: everything but ``recorded_at``.

    Canonical JSON (sort_keys, compact, money as two-decimal yuan), so "400" and "400.00"
    are the same content and a client's retry without ``recorded_at`` is a duplicate.
    """
    return content_and_data(event)[0]


def content_and_data(event: _Envelope) -> tuple[str, dict[str, Any]]:
    """:func:`content_sha256` and :func:`event_data_json` of the event from one serialisation of it.

    The digest's body holds the event's data exactly as :func:`event_data_json` gives it (the same
    serialiser, the same fields added later left out when absent); the store path needs both.
    """
    body = event.model_dump(mode="json", exclude={"recorded_at"})
    data = body.get("data")
    if isinstance(data, dict):
        for name in OPTIONAL_FIELDS_ADDED_LATER:
            if name in data and data[name] is None:
                del data[name]  # an event sent before the field existed keeps its digest
    canonical = _CANONICAL_JSON.encode(body)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest(), data  # type: ignore[return-value]


def event_data_json(event: _Envelope) -> dict[str, Any]:
    """The event's ``data`` in its canonical JSON form (money as two-decimal yuan strings); an absent field
    added to v1 later is left out, so earlier events keep their stored form."""
    data: dict[str, Any] = event.data.model_dump(mode="json")  # type: ignore[attr-defined]
    for name in OPTIONAL_FIELDS_ADDED_LATER:
        if name in data and data[name] is None:
            del data[name]
    return data


AnyEvent = _Envelope
"""Base class of every v1 event model (for type hints outside this module)."""
