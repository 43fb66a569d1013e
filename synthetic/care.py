"""Synthetic care: certified conditions, remote-care filings, claims and reversals of one simulated member.

Called by ``synthetic`` once a member's enrollment is simulated. Claims fall only on
days the member has paid coverage for (a hospital bills the insurance only for insured people);
whether a waiting period or a suspension leaves them unpaid is the fold's business. Frequencies
and bill distributions are simulation constants (assumptions about care, not policy figures);
facility levels and condition names come from the member's rule set (``SchemeRules``), so every
claim names a level and a condition its rule set has a row for.

Random draws are floats; each bill is rounded once to whole fen where it is drawn, and every sum
after that is integer fen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from domain.money import FEN_PER_YUAN, format_yuan
from synthetic.rules import EMPLOYEE, RESIDENT, SchemeRules

if TYPE_CHECKING:
    from synthetic import Life

# --------------------------------------------------------------------------- simulation assumptions

#: Expected hospital admissions a year by age: (below this age, admissions); at most this many a year.
ADMISSIONS_PER_YEAR_BY_AGE: tuple[tuple[int, float], ...] = (
    (6, 0.08),
    (18, 0.04),
    (45, 0.06),
    (60, 0.10),
    (80, 0.22),
    (200, 0.35),
)
ADMISSIONS_PER_YEAR_MAX = 4
#: Weights of the facility level of an admission (levels the member's rule set has no row for are left out).
INPATIENT_LEVEL_WEIGHTS: Mapping[str, float] = {
    "community": 0.12,
    "unrated": 0.02,
    "level1": 0.10,
    "level2": 0.30,
    "level2_city": 0.10,
    "level3": 0.30,
    "level3_special": 0.06,
}
#: Inpatient bill (total, yuan): lognormal median and sigma by level — heavier-tailed at the top levels.
INPATIENT_BILL_MEDIAN_SIGMA_BY_LEVEL: Mapping[str, tuple[int, float]] = {
    "community": (2_500, 0.5),
    "unrated": (3_000, 0.6),
    "level1": (3_500, 0.6),
    "level2": (7_500, 0.7),
    "level2_city": (9_000, 0.75),
    "level3": (16_000, 1.0),
    "level3_special": (24_000, 1.05),
}
#: Inpatient bills are kept within these bounds (yuan).
INPATIENT_BILL_YUAN_RANGE = (800, 600_000)
#: Yuan of a bill per day in hospital (length of stay ≈ bill / this, plus 0-3 days, at most 90 days).
INPATIENT_YUAN_PER_DAY = 1_600
INPATIENT_DAYS_MAX = 90
#: Share of admissions for cancer by age (below this age, share), and how much dearer they are.
CANCER_SHARE_BY_AGE: tuple[tuple[int, float], ...] = ((45, 0.01), (60, 0.05), (200, 0.09))
CANCER_BILL_FACTOR = 2
#: Share of admissions through the emergency department (flag "emergency").
EMERGENCY_ADMISSION_SHARE = 0.08
#: Share of the bill outside policy scope (自费) and paid first by the member (乙类先行自付), per mille ranges.
OUT_OF_SCOPE_PER_MILLE_RANGE = (20, 150)
PRE_SELF_PAY_PER_MILLE_RANGE = (0, 80)
#: The same for outpatient programme claims (chronic, special, two diseases), whose drugs are mostly listed.
PROGRAMME_OUT_OF_SCOPE_PER_MILLE_RANGE = (0, 50)
#: Expected outpatient-pooling visits a year by age, at most this many claims a year; bill median, sigma, bounds.
OUTPATIENT_VISITS_BY_AGE: tuple[tuple[int, float], ...] = ((6, 2.5), (18, 1.2), (60, 1.5), (200, 3.0))
OUTPATIENT_VISITS_PER_YEAR_MAX = 8
OUTPATIENT_BILL_MEDIAN_SIGMA = (140, 0.8)
OUTPATIENT_BILL_YUAN_RANGE = (10, 3_000)
OUTPATIENT_LEVEL_WEIGHTS: Mapping[str, float] = {
    "community": 0.40,
    "unrated": 0.03,
    "level1": 0.17,
    "level2": 0.22,
    "level2_city": 0.05,
    "level3": 0.12,
    "level3_special": 0.01,
}
#: Share of community visits by a family-doctor patient (家庭医生签约) or at a village clinic (村卫生室).
FAMILY_DOCTOR_SHARE = 0.15
VILLAGE_CLINIC_SHARE = 0.10
#: Yearly chance of an emergency outpatient visit where the rule set settles one on its own; its bill.
EMERGENCY_VISIT_RATE = 0.06
EMERGENCY_BILL_MEDIAN_SIGMA = (600, 0.7)
EMERGENCY_BILL_YUAN_RANGE = (50, 8_000)
#: Share certified for a chronic (门诊慢病) or special (门诊特病) disease by age at the start.
CHRONIC_SHARE_BY_AGE: tuple[tuple[int, float], ...] = ((18, 0.004), (45, 0.02), (60, 0.07), (200, 0.15))
SPECIAL_SHARE_BY_AGE: tuple[tuple[int, float], ...] = ((18, 0.001), (45, 0.004), (60, 0.012), (200, 0.025))
#: Share of two-disease (两病) certifications by condition row, for members 45 and over (a fifth of it below 45).
TWO_DISEASES_SHARE_45_PLUS: Mapping[str, float] = {"hypertension": 0.12, "diabetes": 0.06}
#: Share of certifications made before the period (the others fall in it).
CONDITION_BEFORE_PERIOD_SHARE = 0.6
#: Chronic disease names for rule sets without a per-disease table (Shenyang: settled by level, or as listed).
CHRONIC_CONDITION_NAMES: tuple[str, ...] = (
    "高血压(合并症)",
    "糖尿病(合并症)",
    "冠心病",
    "帕金森病",
    "慢性阻塞性肺疾病",
    "脑血管病后遗症",
    "类风湿关节炎",
)
#: Special disease names by region (a rule set's dialysis conditions are added to Shenyang's).
SPECIAL_CONDITION_NAMES: Mapping[str, tuple[str, ...]] = {
    "shenyang": ("恶性肿瘤(放化疗)", "器官移植抗排异治疗", "血友病"),
    "bazhong": ("恶性肿瘤门诊放化疗", "尿毒症透析", "器官移植抗排异治疗", "血友病", "重性精神病"),
}
#: Claims a year per certified condition (lowest, highest), bill median and sigma (yuan) by programme.
PROGRAMME_CLAIMS_PER_YEAR_RANGE: Mapping[str, tuple[int, int]] = {
    "chronic": (2, 10),
    "special": (6, 12),
    "two_diseases": (3, 10),
}
PROGRAMME_BILL_MEDIAN_SIGMA: Mapping[str, tuple[int, float]] = {
    "chronic": (350, 0.6),
    "special": (3_200, 0.6),
    "two_diseases": (90, 0.5),
}
PROGRAMME_LEVELS: tuple[str, ...] = ("community", "level1", "level2", "level3")
#: Women of these ages (inclusive) give birth with this yearly chance; births at least two years apart.
MATERNITY_AGE_RANGE = (20, 40)
MATERNITY_RATE_PER_YEAR = 0.06
#: Birth items of rule sets that pay births by item (限额), their weights and bill median/sigma (yuan).
BIRTH_ITEMS: tuple[tuple[str, float, int, float], ...] = (
    ("natural", 0.62, 4_000, 0.3),
    ("difficult_or_caesarean", 0.38, 8_500, 0.3),
)
#: Prenatal examinations billed before a birth where the rule set pays them (lowest, highest), bill median/sigma.
PRENATAL_EXAMINATIONS_RANGE = (1, 3)
PRENATAL_BILL_MEDIAN_SIGMA = (350, 0.5)
#: Long-term remote filings (长期异地备案): share of retirees and of the others; where they live.
REMOTE_LONG_TERM_SHARE_RETIRED = 0.06
REMOTE_LONG_TERM_SHARE_OTHERS = 0.015
REMOTE_LONG_TERM_USE_SHARE = 0.7
REMOTE_PLACES: Mapping[str, tuple[str, ...]] = {
    "shenyang": ("海南省三亚市", "广东省深圳市", "北京市", "山东省青岛市"),
    "bazhong": ("重庆市", "四川省成都市", "广东省东莞市", "浙江省宁波市"),
}
#: Admissions at level 3 referred elsewhere (转诊) with a temporary filing, to these places (big cities' 三甲).
REMOTE_REFERRAL_SHARE = 0.06
REFERRAL_PLACES: tuple[str, ...] = ("北京市", "上海市")
#: Shares of admissions elsewhere without a filing (other temporary care) and emergencies away from home.
REMOTE_OTHER_SHARE = 0.02
REMOTE_EMERGENCY_SHARE = 0.01
#: Share of claims reversed (ClaimReversed) 1-30 days after discharge, and the reasons given.
CLAIM_REVERSAL_SHARE = 0.01
REVERSAL_DELAY_DAYS_RANGE = (1, 30)
REVERSAL_REASONS: tuple[str, ...] = ("billing error, resubmitted by the hospital", "duplicate submission")


def simulate_care(life: Life) -> None:
    """Conditions and filings first, then each year's claims, then a few reversals."""
    start_scheme = _start_scheme(life)
    conditions = _certify_conditions(life, life.rules.scheme(start_scheme)) if start_scheme else []
    filing_on = _file_long_term(life)
    claims: list[tuple[str, date]] = []
    first_year = max(life.population.first_year, life.birth_on.year)
    last_birth = -2
    for year in range(first_year, life.life_end.year + 1):
        first_day = max(date(year, 1, 1), life.registered_on, life.birth_on)
        last_day = min(date(year, 12, 31), life.life_end)
        if first_day > last_day:
            continue
        age = life.age_on(max(first_day, date(year, 7, 1)) if date(year, 7, 1) <= last_day else first_day)
        for _ in range(_binomial(life, ADMISSIONS_PER_YEAR_MAX, _by_age(ADMISSIONS_PER_YEAR_BY_AGE, age))):
            claims += _admission(life, life.day_between(first_day, last_day), age, filing_on)
        for _ in range(min(_poisson(life, _by_age(OUTPATIENT_VISITS_BY_AGE, age)), OUTPATIENT_VISITS_PER_YEAR_MAX)):
            claims += _outpatient(life, life.day_between(first_day, last_day))
        if life.rng.random() < EMERGENCY_VISIT_RATE:
            claims += _emergency_visit(life, life.day_between(first_day, last_day))
        for programme, condition, valid_from in conditions:
            claims += _programme_claims(life, programme, condition, max(first_day, valid_from), last_day)
        low, high = MATERNITY_AGE_RANGE
        if (
            life.sex == "F"
            and low <= age <= high
            and year - last_birth >= 2
            and life.rng.random() < MATERNITY_RATE_PER_YEAR
        ):
            births = _birth(life, life.day_between(first_day, last_day))
            last_birth = year if births else last_birth
            claims += births
    _reverse_some(life, claims)


def _start_scheme(life: Life) -> str | None:
    for year in sorted(life.plan):
        if life.plan[year] in (RESIDENT, EMPLOYEE):
            return life.plan[year]
    return None


def _by_age(table: Sequence[tuple[int, float]], age: int) -> float:
    return next(value for below, value in table if age < below)


def _binomial(life: Life, trials: int, expected: float) -> int:
    return sum(1 for _ in range(trials) if life.rng.random() < expected / trials)


def _poisson(life: Life, mean: float) -> int:
    """Knuth's method: fine for the small means of visits a year."""
    limit, count, product = math.exp(-mean), 0, life.rng.random()
    while product > limit:
        count += 1
        product *= life.rng.random()
    return count


def _bill_fen(life: Life, median_sigma: tuple[int, float], bounds: tuple[int, int]) -> int:
    median, sigma = median_sigma
    yuan = min(max(life.rng.lognormvariate(math.log(median), sigma), bounds[0]), bounds[1])
    return round(yuan * FEN_PER_YUAN)


def _level(life: Life, weights: Mapping[str, float], allowed: Sequence[str]) -> str:
    levels = [level for level in allowed if level in weights]
    return life.rng.choices(levels, weights=[weights[level] for level in levels])[0]


# --------------------------------------------------------------------------- conditions and filings


def _certify_conditions(life: Life, rules: SchemeRules) -> list[tuple[str, str, date]]:
    """ConditionCertified for the programmes of the member's rule set, with names it knows."""
    rng, first_year = life.rng, life.population.first_year
    age = life.age_on(max(life.period_start, life.birth_on))
    chosen: list[tuple[str, str]] = []
    if rng.random() < _by_age(CHRONIC_SHARE_BY_AGE, age):
        chosen.append(("chronic", rng.choice(rules.chronic_conditions or CHRONIC_CONDITION_NAMES)))
    if rng.random() < _by_age(SPECIAL_SHARE_BY_AGE, age):
        special = SPECIAL_CONDITION_NAMES[life.population.region]
        dialysis = life.rules.employee.dialysis_conditions + life.rules.resident.dialysis_conditions
        chosen.append(("special", rng.choice(tuple(dict.fromkeys(dialysis + special)))))
    for disease in rules.two_diseases:
        share = TWO_DISEASES_SHARE_45_PLUS.get(disease, 0.0) * (1 if age >= 45 else 0.2)
        if rng.random() < share:
            chosen.append(("two_diseases", disease))
    certified: list[tuple[str, str, date]] = []
    for programme, condition in chosen:
        if programme == "chronic" and rules.chronic_certified_before is not None:
            before = rules.chronic_certified_before
            valid_from = life.day_between(date(before.year - 5, 1, 1), before - timedelta(days=1))
        elif rng.random() < CONDITION_BEFORE_PERIOD_SHARE and not life.newborn:
            valid_from = life.day_between(date(first_year - 5, 1, 1), date(first_year - 1, 12, 31))
        else:
            valid_from = life.day_between(max(life.period_start, life.birth_on), life.life_end)
        valid_from = max(valid_from, life.birth_on)
        data = {"programme": programme, "condition": condition, "valid_from": valid_from.isoformat()}
        life.add(max(valid_from, life.registered_on), "ConditionCertified", data)
        certified.append((programme, condition, valid_from))
    return certified


def _file_long_term(life: Life) -> date | None:
    """A long-term remote filing (retirees living with their children elsewhere, workers posted away)."""
    rng = life.rng
    retired = life.retired_on() <= life.period_start and life.plan.get(life.population.first_year) == EMPLOYEE
    share = REMOTE_LONG_TERM_SHARE_RETIRED if retired else REMOTE_LONG_TERM_SHARE_OTHERS
    if life.newborn or rng.random() >= share:
        return None
    valid_from = life.day_between(life.period_start, life.life_end)
    place = rng.choice(REMOTE_PLACES[life.population.region])
    life.add(valid_from, "RemoteCareFiled", {"kind": "long_term", "valid_from": valid_from.isoformat(), "place": place})
    return valid_from


# --------------------------------------------------------------------------- claims


def _claim(
    life: Life,
    *,
    setting: str,
    admitted_on: date,
    discharged_on: date,
    level: str,
    total_fen: int,
    location: str = "local",
    flags: Sequence[str] = (),
    condition: str | None = None,
    out_of_scope_range: tuple[int, int] = OUT_OF_SCOPE_PER_MILLE_RANGE,
) -> list[tuple[str, date]]:
    """One ClaimSubmitted on its discharge day: policy + out of scope + pre-self-pay = total, in fen."""
    rng = life.rng
    out_of_scope_fen = total_fen * rng.randint(*out_of_scope_range) // 1000
    pre_self_pay_fen = total_fen * rng.randint(*PRE_SELF_PAY_PER_MILLE_RANGE) // 1000
    policy_fen = total_fen - out_of_scope_fen - pre_self_pay_fen
    assert policy_fen >= 0 and policy_fen + out_of_scope_fen + pre_self_pay_fen == total_fen
    claim_id = life.next_claim_id()
    data: dict[str, Any] = {
        "claim_id": claim_id,
        "setting": setting,
        "admitted_on": admitted_on.isoformat(),
        "discharged_on": discharged_on.isoformat(),
        "facility_level": level,
        "location": location,
        "total_amount": format_yuan(total_fen),
        "policy_amount": format_yuan(policy_fen),
        "pre_self_pay": format_yuan(pre_self_pay_fen),
        "out_of_scope": format_yuan(out_of_scope_fen),
        "flags": sorted(flags),
        # Settled on discharge (出院即报): applied for that day, so an import recorded later is not late.
        "applied_on": discharged_on.isoformat(),
    }
    if condition is not None:
        data["condition"] = condition
    life.add(discharged_on, "ClaimSubmitted", data)
    return [(claim_id, discharged_on)]


def _admission(life: Life, discharged_on: date, age: int, filing_on: date | None) -> list[tuple[str, date]]:
    rng = life.rng
    scheme = life.scheme_on(discharged_on)
    if scheme is None:
        return []
    rules = life.rules.scheme(scheme)
    level = _level(life, INPATIENT_LEVEL_WEIGHTS, rules.inpatient_levels)
    flags: list[str] = []
    total_fen = _bill_fen(life, INPATIENT_BILL_MEDIAN_SIGMA_BY_LEVEL[level], INPATIENT_BILL_YUAN_RANGE)
    if rng.random() < _by_age(CANCER_SHARE_BY_AGE, age):
        flags.append("cancer")
        total_fen *= CANCER_BILL_FACTOR
    days = min(total_fen // (INPATIENT_YUAN_PER_DAY * FEN_PER_YUAN) + rng.randint(0, 3), INPATIENT_DAYS_MAX)
    admitted_on = max(discharged_on - timedelta(days=days), life.registered_on, life.birth_on)
    location = "local"
    draw = rng.random()
    if filing_on is not None and filing_on <= admitted_on and draw < REMOTE_LONG_TERM_USE_SHARE:
        location = "remote_long_term"
    elif level.startswith("level3") and draw < REMOTE_REFERRAL_SHARE:
        location = "remote_temporary_referral"
        filed_on = max(admitted_on - timedelta(days=rng.randint(1, 10)), life.registered_on)
        place = rng.choice(REFERRAL_PLACES)
        filing = {"kind": "temporary_referral", "valid_from": filed_on.isoformat(), "place": place}
        filing["valid_to"] = (discharged_on + timedelta(days=30)).isoformat()
        life.add(filed_on, "RemoteCareFiled", filing)
        flags.append("big_city_level3")
    elif draw < REMOTE_OTHER_SHARE:
        location = "remote_temporary_other"
    elif draw < REMOTE_OTHER_SHARE + REMOTE_EMERGENCY_SHARE:
        location = "remote_emergency"
        flags.append("emergency")
    if location == "local" and rng.random() < EMERGENCY_ADMISSION_SHARE:
        flags.append("emergency")
    return _claim(
        life,
        setting="inpatient",
        admitted_on=admitted_on,
        discharged_on=discharged_on,
        level=level,
        total_fen=total_fen,
        location=location,
        flags=flags,
    )


def _outpatient(life: Life, day: date) -> list[tuple[str, date]]:
    scheme = life.scheme_on(day)
    if scheme is None:
        return []
    level = _level(life, OUTPATIENT_LEVEL_WEIGHTS, life.rules.scheme(scheme).outpatient_levels)
    flags = []
    if level == "community":
        if scheme == EMPLOYEE and life.rng.random() < FAMILY_DOCTOR_SHARE:
            flags.append("family_doctor")
        elif scheme == RESIDENT and life.rng.random() < VILLAGE_CLINIC_SHARE:
            flags.append("village_clinic")
    total_fen = _bill_fen(life, OUTPATIENT_BILL_MEDIAN_SIGMA, OUTPATIENT_BILL_YUAN_RANGE)
    return _claim(
        life,
        setting="outpatient_pooling",
        admitted_on=day,
        discharged_on=day,
        level=level,
        total_fen=total_fen,
        flags=flags,
    )


def _emergency_visit(life: Life, day: date) -> list[tuple[str, date]]:
    scheme = life.scheme_on(day)
    if scheme is None or not life.rules.scheme(scheme).emergency_outpatient:
        return []
    level = _level(life, INPATIENT_LEVEL_WEIGHTS, life.rules.scheme(scheme).inpatient_levels)
    total_fen = _bill_fen(life, EMERGENCY_BILL_MEDIAN_SIGMA, EMERGENCY_BILL_YUAN_RANGE)
    return _claim(
        life,
        setting="emergency",
        admitted_on=day,
        discharged_on=day,
        level=level,
        total_fen=total_fen,
        flags=["emergency"],
    )


def _programme_claims(life: Life, programme: str, condition: str, first: date, last: date) -> list[tuple[str, date]]:
    """Outpatient claims of a certified programme through the year, each naming the certified condition."""
    if first > last:
        return []
    claims: list[tuple[str, date]] = []
    for _ in range(life.rng.randint(*PROGRAMME_CLAIMS_PER_YEAR_RANGE[programme])):
        day = life.day_between(first, last)
        scheme = life.scheme_on(day)
        if scheme is None:
            continue
        levels = [level for level in PROGRAMME_LEVELS if level in life.rules.scheme(scheme).outpatient_levels]
        level = life.rng.choice(levels or list(PROGRAMME_LEVELS))
        total_fen = _bill_fen(life, PROGRAMME_BILL_MEDIAN_SIGMA[programme], OUTPATIENT_BILL_YUAN_RANGE)
        claims += _claim(
            life,
            setting=programme,
            admitted_on=day,
            discharged_on=day,
            level=level,
            total_fen=total_fen,
            condition=condition,
            out_of_scope_range=PROGRAMME_OUT_OF_SCOPE_PER_MILLE_RANGE,
        )
    return claims


def _birth(life: Life, discharged_on: date) -> list[tuple[str, date]]:
    """A birth: billed by item where the rule set pays births by item, else as an admission, after prenatal visits."""
    rng = life.rng
    scheme = life.scheme_on(discharged_on)
    if scheme is None:
        return []
    rules = life.rules.scheme(scheme)
    items = [item for item in BIRTH_ITEMS if item[0] in rules.maternity_items]
    claims: list[tuple[str, date]] = []
    if not items and rules.prenatal_examinations:
        for _ in range(rng.randint(*PRENATAL_EXAMINATIONS_RANGE)):
            day = life.day_between(max(discharged_on - timedelta(days=200), life.registered_on), discharged_on)
            if life.scheme_on(day) is not None:
                total_fen = _bill_fen(life, PRENATAL_BILL_MEDIAN_SIGMA, OUTPATIENT_BILL_YUAN_RANGE)
                claims += _claim(
                    life,
                    setting="maternity",
                    admitted_on=day,
                    discharged_on=day,
                    level=rng.choice(("level2", "level3")),
                    total_fen=total_fen,
                    condition="prenatal_examination",
                )
    name, _, median, sigma = rng.choices(items or BIRTH_ITEMS, weights=[item[1] for item in items or BIRTH_ITEMS])[0]
    admitted_on = max(discharged_on - timedelta(days=rng.randint(2, 7)), life.registered_on)
    levels = [level for level in ("level2", "level3") if level in rules.inpatient_levels]
    claims += _claim(
        life,
        setting="maternity" if items else "inpatient",
        admitted_on=admitted_on,
        discharged_on=discharged_on,
        level=rng.choice(levels or list(rules.inpatient_levels)),
        total_fen=_bill_fen(life, (median, sigma), INPATIENT_BILL_YUAN_RANGE),
        flags=["childbirth"],
        condition=name if items else None,
        out_of_scope_range=PROGRAMME_OUT_OF_SCOPE_PER_MILLE_RANGE,
    )
    return claims


def _reverse_some(life: Life, claims: list[tuple[str, date]]) -> None:
    rng = life.rng
    for claim_id, discharged_on in claims:
        if rng.random() >= CLAIM_REVERSAL_SHARE:
            continue
        reversed_on = discharged_on + timedelta(days=rng.randint(*REVERSAL_DELAY_DAYS_RANGE))
        if reversed_on <= life.life_end:
            life.add(reversed_on, "ClaimReversed", {"claim_id": claim_id, "reason": rng.choice(REVERSAL_REASONS)})
