"""What the non-inpatient programmes share: certifications, deductibles, caps and the basic-pool count.

A programme payment is ``(policy_amount − deductible) × ratio``, limited by every cap it draws
on (programme caps and, where the setting counts against it, the basic-pool cap), each capped
at what earlier claims of the year left (cap − ``ctx.used(key)``). Deductibles paid per year or
per quarter are balances too, so a later claim of the period pays only what is left of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from domain.contract import ConditionCertifiedData
from domain.entitlements.periods import has, money
from domain.explain import Explanations
from domain.messages import Message, msg
from domain.money import fen_divided_by_ratio, fen_times_ratio, format_yuan
from domain.policies import ParameterReading, Table
from domain.settlement import settle as inpatient_rules
from domain.settlement.errors import NotSettleable
from domain.settlement.model import BasicPoolResult, ClaimContext


def read(ctx: ClaimContext, name: str) -> ParameterReading:
    """A parameter on the claim date, strictly (as the inpatient path reads); missing → refused."""
    if not has(ctx.edition, name):
        raise NotSettleable(
            msg("reason.parameter_missing", edition=ctx.edition.name, name=name, setting=ctx.claim.data.setting.value)
        )
    return inpatient_rules.read(ctx.edition, name, ctx.claim.occurred_on)


def table(reading: ParameterReading) -> Table:
    assert isinstance(reading.value, Table), f"{reading.name} is not a table"
    return reading.value


def text(reading: ParameterReading) -> str:
    assert isinstance(reading.value, str), f"{reading.name} is not text"
    return reading.value


def person_kind(ctx: ClaimContext, by: Table) -> str:
    """The member's row or column of a table keyed by person kind (in_service/retired, adult/student_or_minor)."""
    axis = by.columns if by.column_axis is not None else by.rows
    if "retired" in axis:
        return "retired" if ctx.retired(ctx.service_on) else "in_service"
    return inpatient_rules.person_kind(ctx, by)


def money_cell(by: Table, row: str, column: str | None = None) -> int:
    cell = by.cell(row, column)
    assert isinstance(cell, int) and not isinstance(cell, bool), f"{by.row_axis} cell {row} is not money"
    return cell


def ratio_cell(by: Table, row: str, column: str | None = None) -> Decimal:
    cell = by.cell(row, column)
    assert isinstance(cell, Decimal), f"{by.row_axis} cell {row} is not a ratio"
    return cell


def quarter(day: date) -> str:
    return f"q{(day.month - 1) // 3 + 1}"


def certified(ctx: ClaimContext, programme: str) -> list[ConditionCertifiedData]:
    """The member's certifications for ``programme`` valid on the service day (and for the claim's condition).

    Chronic, special, two-disease and single-payment-drug benefits need a certification
    (002 ch.4 十五问 (一); 000/001 门诊慢特病 3 认定); without one the claim is refused.
    """
    on, wanted = ctx.service_on, ctx.claim.data.condition
    valid = certifications_on(ctx, programme)
    if wanted is not None and not any(data.condition == wanted for data in valid):
        raise NotSettleable(msg("reason.no_certified_condition", programme=programme, condition=wanted, on=on))
    if not valid:
        raise NotSettleable(msg("reason.no_certification", programme=programme, on=on))
    return valid


def certifications_on(ctx: ClaimContext, programme: str) -> list[ConditionCertifiedData]:
    """Every certification for ``programme`` valid on the service day, whatever the claim's condition."""
    on = ctx.service_on
    return [
        data
        for _, data in ctx.facts.conditions
        if data.programme.value == programme
        and data.valid_from <= on
        and (data.valid_to is None or on <= data.valid_to)
    ]


def require_local(ctx: ClaimContext) -> None:
    location = ctx.claim.data.location.value
    if location != "local":
        raise NotSettleable(msg("reason.programme_not_remote", setting=ctx.claim.data.setting.value, location=location))


@dataclass(frozen=True)
class Cap:
    """A balance the payment draws on: its key, its amount for the period and the reading it comes from."""

    key: str
    cap_fen: int
    readings: tuple[ParameterReading, ...]
    #: A cap that runs over a span of years (a pregnancy), not one calendar year.
    across_years: bool = False

    def used(self, ctx: ClaimContext) -> int:
        """What earlier claims drew on this cap: in the claim's year, or in any year for a cap across years."""
        if not self.across_years:
            return ctx.used(self.key)
        return sum(amount for (key, _year), amount in ctx.used_fen.items() if key == self.key)


@dataclass(frozen=True)
class Deductible:
    """A deductible owed on this claim; ``key`` names the balance of a per-year (or per-quarter) deductible."""

    owed_fen: int
    key: str | None = None
    readings: tuple[ParameterReading, ...] = ()

    @staticmethod
    def periodic(ctx: ClaimContext, *, key: str, amount_fen: int, readings: tuple[ParameterReading, ...]) -> Deductible:
        """A deductible paid once per period: only what earlier claims of the period left is owed."""
        return Deductible(max(0, amount_fen - ctx.used(key)), key, readings)


@dataclass
class Payment:
    """One programme payment being worked out, with the words and readings that explain it."""

    ctx: ClaimContext
    label: Message
    ratio: Decimal
    ratio_readings: tuple[ParameterReading, ...]
    deductible: Deductible = field(default_factory=lambda: Deductible(0))
    caps: list[Cap] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    extra_readings: list[ParameterReading] = field(default_factory=list)
    to_second_layer: bool = True
    #: A limit per event (Bazhong maternity 限额支付), not a balance of the year.
    event_limit_fen: int | None = None
    #: The part of the policy amount this payment settles, where another line settles the rest
    #: (the general consultation fee, ``domain.settlement.consultation``); None: the whole policy amount.
    policy_fen: int | None = None

    def counts_against_basic_pool(self, includes_token: str) -> None:
        """Add the basic-pool cap where this setting counts against it (rules-digest §5).

        Bazhong lists what the cap includes (``basic_pool.annual_cap_includes``); Shenyang's cap
        covers 门诊及住院等 fund payments (000/001 其他规定) and lists nothing, so every setting
        counts there, and the explanation says so.
        """
        cap = read(self.ctx, "basic_pool.annual_cap")
        if has(self.ctx.edition, "basic_pool.annual_cap_includes"):
            includes = read(self.ctx, "basic_pool.annual_cap_includes")
            assert isinstance(includes.value, tuple)
            if includes_token not in includes.value:
                self.notes.append(msg("payment.not_against_basic_pool_cap", setting=includes_token))
                self.extra_readings.append(includes)
                return
            self.caps.append(Cap("basic_pool", money(cap), (cap, includes)))
            return
        self.notes.append(msg("payment.against_basic_pool_cap"))
        self.caps.append(Cap("basic_pool", money(cap), (cap,)))

    def settle(self, explanations: Explanations) -> BasicPoolResult:
        data = self.ctx.claim.data
        policy_fen = data.policy_amount if self.policy_fen is None else self.policy_fen
        deductible_fen = min(self.deductible.owed_fen, policy_fen)
        base = policy_fen - deductible_fen
        raw = fen_times_ratio(base, self.ratio)
        paid = raw
        limits: list[Message] = []
        if self.event_limit_fen is not None and self.event_limit_fen < paid:
            paid = self.event_limit_fen
            limits.append(msg("payment.item_limit", limit=format_yuan(self.event_limit_fen)))
        binding: str | None = None
        for cap in self.caps:
            remaining = max(0, cap.cap_fen - cap.used(self.ctx))
            if remaining < paid:
                paid = remaining
                binding = cap.key
                limits.append(
                    msg(
                        "payment.cap_limit", remaining=format_yuan(remaining), key=cap.key, cap=format_yuan(cap.cap_fen)
                    )
                )
        assert 0 <= paid <= policy_fen, "a programme pays between nothing and the policy amount"
        # Beyond the basic-pool cap the large-amount layer takes over (000 大额医疗保险待遇 3).
        capped_base = base - fen_divided_by_ratio(paid, self.ratio) if binding == "basic_pool" and self.ratio else 0
        balances = [(cap.key, paid) for cap in self.caps]
        if self.deductible.key is not None:
            balances.append((self.deductible.key, deductible_fen))
        second_layer_base = policy_fen - paid if self.to_second_layer else 0
        readings = [*self.ratio_readings, *self.deductible.readings]
        for cap in self.caps:
            readings.extend(cap.readings)
        readings.extend(self.extra_readings)
        text_parts = [
            msg(
                "payment.formula",
                label=self.label,
                policy=format_yuan(policy_fen),
                deductible=format_yuan(deductible_fen),
                ratio=self.ratio,
                raw=format_yuan(raw),
            ),
            *limits,
            *self.notes,
        ]
        explanations.add(
            "layers.basic_pool", msg("list.joined", parts=text_parts), self.ctx.edition, *_unique(readings)
        )
        return BasicPoolResult(
            amount_fen=paid,
            deductible_fen=deductible_fen,
            balances=tuple(balances),
            second_layer_base_fen=second_layer_base,
            copay_excluding_deductible_fen=max(0, base - capped_base - paid),
            capped_base_fen=capped_base,
            ratio=self.ratio,
            caps=tuple((cap.key, cap.cap_fen) for cap in self.caps),
        )


def _unique(readings: list[ParameterReading]) -> list[ParameterReading]:
    seen: set[str] = set()
    unique = []
    for reading in readings:
        if reading.name not in seen:
            seen.add(reading.name)
            unique.append(reading)
    return unique
