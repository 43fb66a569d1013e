"""Seed 002 (巴中市医保政策宣传手册, 2025-11), table by table, against bazhong-employee and bazhong-resident."""

from __future__ import annotations

from datetime import date

import pytest

from domain.policies import Tier
from tests.rules.conftest import ON_2025, ON_2026, fen, pct

EMPLOYEE = "bazhong-employee"
RESIDENT = "bazhong-resident"
EMPLOYEE_KINDS = ("in_service", "retired")
RESIDENT_KINDS = ("adult", "student_or_minor")

# 002 ch.2 二十七问 (一) 市内住院: 定点医疗机构 | 起付标准 | 报销比例
EMPLOYEE_LOCAL = [
    ("community", "100", "90%"),
    ("unrated", "300", "85%"),
    ("level1", "300", "85%"),
    ("level2", "400", "82%"),
    ("level3", "700", "80%"),
]
# 002 ch.3 十一问 (一) 市内住院
RESIDENT_LOCAL = [
    ("community", "100", "90%"),
    ("unrated", "300", "80%"),
    ("level1", "300", "80%"),
    ("level2", "400", "70%"),
    ("level3", "700", "60%"),
]


@pytest.mark.parametrize(
    "name, kinds, rows", [(EMPLOYEE, EMPLOYEE_KINDS, EMPLOYEE_LOCAL), (RESIDENT, RESIDENT_KINDS, RESIDENT_LOCAL)]
)
def test_002_local_inpatient_tables(rulebook, name, kinds, rows):
    """002 ch.2 二十七问 (一) and ch.3 十一问 (一): 乡镇卫生院 100/90% … 三级 700."""
    edition = rulebook[name]
    deductible = edition.value("inpatient.deductible", ON_2025)
    ratio = edition.value("inpatient.ratio", ON_2025)
    assert set(deductible.rows) == {row[0] for row in rows}
    for level, amount, percent in rows:
        for kind in kinds:
            assert deductible.cell(level, kind) == fen(amount), (level, kind)
            assert ratio.cell(level, kind) == pct(percent), (level, kind)


def test_002_zhang_san_township_example(rulebook):
    """002 ch.1 四十三: 乡镇卫生院, policy 4,200, deductible 100, 90% → fund 3,690, co-pay 510."""
    edition = rulebook[RESIDENT]
    deductible = edition.value("inpatient.deductible", ON_2025).cell("community", "adult")
    ratio = edition.value("inpatient.ratio", ON_2025).cell("community", "adult")
    fund = (fen("4200") - deductible) * ratio
    assert fund == fen("3690") and fen("4200") - fund == fen("510")


# 002 ch.2 二十七问 (二) 市外住院: 就医类别 → per level (community, level1/unrated, level2, level3) 起付, 比例
EMPLOYEE_REMOTE = {
    "remote.long_term": [("100", "90%"), ("300", "85%"), ("400", "82%"), ("700", "80%")],
    "remote.referral_or_emergency": [("1000", "85%"), ("1000", "80%"), ("1000", "77%"), ("1000", "75%")],
    "remote.temporary_other": [("1000", "80%"), ("1000", "75%"), ("1000", "72%"), ("1000", "70%")],
}
# 002 ch.3 十一问 (二) 市外住院 (the seed prints "000" for the 临时备案 三级 deductible: read as 1000)
RESIDENT_REMOTE = {
    "remote.long_term": [("100", "90%"), ("300", "80%"), ("400", "70%"), ("700", "60%")],
    "remote.referral_or_emergency": [("1000", "85%"), ("1000", "75%"), ("1000", "65%"), ("1000", "55%")],
    "remote.temporary_other": [("1000", "80%"), ("1000", "70%"), ("1000", "60%"), ("1000", "50%")],
}
LEVEL_COLUMNS = [("community",), ("level1", "unrated"), ("level2",), ("level3",)]


@pytest.mark.parametrize(
    "name, kinds, tables", [(EMPLOYEE, EMPLOYEE_KINDS, EMPLOYEE_REMOTE), (RESIDENT, RESIDENT_KINDS, RESIDENT_REMOTE)]
)
def test_002_remote_inpatient_tables(rulebook, name, kinds, tables):
    """002 ch.2 二十七问 (二) and ch.3 十一问 (二): long-term / referral-or-emergency / other, each row."""
    edition = rulebook[name]
    for prefix, cells in tables.items():
        deductible = edition.value(f"{prefix}.deductible", ON_2025)
        ratio = edition.value(f"{prefix}.ratio", ON_2025)
        for levels, (amount, percent) in zip(LEVEL_COLUMNS, cells, strict=True):
            for level in levels:
                for kind in kinds:
                    assert deductible.cell(level, kind) == fen(amount), (prefix, level, kind)
                    assert ratio.cell(level, kind) == pct(percent), (prefix, level, kind)


def test_002_resident_typo_cell_is_flagged(rulebook):
    reading = rulebook[RESIDENT].reading("remote.referral_or_emergency.deductible", ON_2025)
    assert reading.assumption is True and "000" in reading.note


# 002 ch.4 三问: code → (employee cap, resident cap); None where the seed prints "/"
CHRONIC_CAPS = {
    "M01701": ("1000", "600"),
    "M01702": ("1000", "600"),
    "M03600": ("1000", "600"),
    "M04301": ("1000", "600"),
    "M06101": ("1000", "600"),
    "M03300": ("1000", "600"),
    "M03911": ("1000", "600"),
    "M01603": ("1000", "600"),
    "M00100": ("1000", "600"),
    "M00202": ("1000", "600"),
    "M00201": ("1000", "600"),
    "M02500": ("1000", "600"),
    "M04200": ("1000", "600"),
    "M05400": ("1000", "600"),
    "M06700": ("1000", "600"),
    "M07110": ("1000", "600"),
    "M07300": ("1000", "600"),
    "M08206": ("1000", "600"),
    "M12700": ("1000", "600"),
    "M00406": ("1000", "600"),
    "M07000": ("1000", "600"),
    "M07900": ("1000", "600"),
    "M02219": ("1000", "600"),
    "M02204": ("1000", "600"),
    "M02205": ("1000", "600"),
    "M02207": ("1000", "600"),
    "M02208": ("1000", "600"),
    "M02400": ("1500", "800"),
    "M02202": ("2000", "1500"),
    "M02209": ("2000", "1500"),
    "M02221": ("2000", "1500"),
    "M02220": (None, "600"),
    "M04500": ("1500", "800"),
    "M04600": ("1500", "800"),
    "M02300": ("1500", "800"),
    "M04803": ("1500", "800"),
    "M05300": ("1500", "800"),
    "M04100": ("1500", "800"),
    "M07700": ("2000", "1500"),
    "M07603": ("2000", "1500"),
    "M06200": ("2000", "1500"),
    "M07106": ("2000", "1500"),
    "M10800": ("2000", "1500"),
    "M06900": ("2000", "1500"),
    "M07200": ("2000", "1500"),
}


@pytest.mark.parametrize("code, caps", sorted(CHRONIC_CAPS.items()))
def test_002_chronic_per_disease_caps(rulebook, code, caps):
    """002 ch.4 三问: 慢病年度支付限额标准, 职工医保 / 居民医保."""
    employee_cap, resident_cap = caps
    employee = rulebook[EMPLOYEE].value("chronic.annual_cap", ON_2025)
    resident = rulebook[RESIDENT].value("chronic.annual_cap", ON_2025)
    assert resident.cell(code) == fen(resident_cap)
    if employee_cap is None:
        assert code not in employee.rows
    else:
        assert employee.cell(code) == fen(employee_cap)


def test_002_chronic_tables_have_no_extra_rows(rulebook):
    assert set(rulebook[RESIDENT].value("chronic.annual_cap", ON_2025).rows) == set(CHRONIC_CAPS)
    assert set(rulebook[EMPLOYEE].value("chronic.annual_cap", ON_2025).rows) == {
        code for code, (employee_cap, _) in CHRONIC_CAPS.items() if employee_cap
    }


@pytest.mark.parametrize("name, special", [(EMPLOYEE, "70%"), (RESIDENT, "60%")])
def test_002_chronic_special_and_two_diseases(rulebook, name, special):
    """002 ch.4 三问 (90%), 五问 (职工70%, 居民60%, 二级起付一次), 十九问 (50%; 200/300/500)."""
    edition = rulebook[name]
    assert edition.value("chronic.ratio", ON_2025) == pct("90%")
    assert edition.value("special_disease.ratio", ON_2025) == pct(special)
    assert edition.value("two_diseases.ratio", ON_2025) == pct("50%")
    caps = edition.value("two_diseases.annual_cap", ON_2025)
    assert (caps.cell("hypertension"), caps.cell("diabetes"), caps.cell("both")) == (fen("200"), fen("300"), fen("500"))


def test_002_employee_outpatient_pooling(rulebook):
    """002 ch.2 三十九问: 在职 200/800, 退休 150/1000; 三级50% 二级及以下60%, 退休+10; 公务员 60%/700; 大额 70%/600."""
    edition = rulebook[EMPLOYEE]
    deductible = edition.value("outpatient_pooling.annual_deductible", ON_2025)
    cap = edition.value("outpatient_pooling.annual_cap", ON_2025)
    ratio = edition.value("outpatient_pooling.ratio", ON_2025)
    assert (deductible.cell("in_service"), deductible.cell("retired")) == (fen("200"), fen("150"))
    assert (cap.cell("in_service"), cap.cell("retired")) == (fen("800"), fen("1000"))
    assert (ratio.cell("level3", "in_service"), ratio.cell("level2", "in_service")) == (pct("50%"), pct("60%"))
    assert (ratio.cell("level3", "retired"), ratio.cell("community", "retired")) == (pct("60%"), pct("70%"))
    assert edition.value("civil_servant.outpatient_ratio", ON_2025) == pct("60%")
    assert edition.value("civil_servant.outpatient_annual_cap", ON_2025) == fen("700")
    assert edition.value("large_amount.outpatient_ratio", ON_2025) == pct("70%")
    assert edition.value("large_amount.outpatient_annual_cap", ON_2025) == fen("600")


def test_002_resident_outpatient_pooling(rulebook):
    """002 ch.3 十八问: 50%, 不设起付线, 年限额100."""
    edition = rulebook[RESIDENT]
    assert edition.value("outpatient_pooling.flat_ratio", ON_2025) == pct("50%")
    assert edition.value("outpatient_pooling.annual_deductible", ON_2025).cell("adult") == 0
    assert edition.value("outpatient_pooling.annual_cap", ON_2025).cell("adult") == fen("100")


def test_002_employee_caps(rulebook):
    """002 ch.2 三十七问: 66万 = 基本14万 + 公务员2万 + 大额50万; 三十三问 一类门特 1500, 60%."""
    edition = rulebook[EMPLOYEE]
    caps = [
        edition.value(name, ON_2025)
        for name in ("basic_pool.annual_cap", "civil_servant.annual_cap", "large_amount.annual_cap")
    ]
    assert caps == [fen("140000"), fen("20000"), fen("500000")] and sum(caps) == fen("660000")
    assert edition.value("civil_servant.class1_special_annual_cap", ON_2025) == fen("1500")
    assert edition.value("civil_servant.ratio", ON_2025) == pct("60%")


# 002 ch.2 三十六问: 参保人员 | 起付线 | 10万以内(含) | 10万以上
LARGE_AMOUNT_TABLE = [("retired_or_listed_disease", "0", "85%", "90%"), ("age_80_plus", "0", "90%", "95%")]


@pytest.mark.parametrize("group, deductible, below, above", LARGE_AMOUNT_TABLE)
def test_002_large_amount_rows(rulebook, group, deductible, below, above):
    """002 ch.2 三十六问 (退休人员及所列疾病; 80周岁以上)."""
    edition = rulebook[EMPLOYEE]
    assert edition.value("large_amount.deductible", ON_2025).cell(group) == fen(deductible)
    tiers = edition.value("large_amount.tiers", ON_2025).cell(group)
    assert tiers.tiers == (Tier(0, pct(below)), Tier(fen("100000"), pct(above)))


def test_002_large_amount_ordinary_members_reading(rulebook):
    """§8 bazhong_large_amount_ordinary_ratio: 普通人员 起付400, merged cells read as 85% / 90%."""
    edition = rulebook[EMPLOYEE]
    assert edition.value("large_amount.deductible", ON_2025).cell("ordinary") == fen("400")
    reading = edition.reading("readings.bazhong_large_amount_ordinary_ratio", ON_2025)
    assert reading.value.tiers == (Tier(0, pct("85%")), Tier(fen("100000"), pct("90%")))
    assert reading.assumption is True


def test_002_major_illness(rulebook):
    """002 ch.3 二十二–二十六问: 14448 (2025) = 50%; 60/70/85 分段; 30万; 特困孤儿低保 起付−50%, +5点, 不设限额."""
    edition = rulebook[RESIDENT]
    assert edition.value("major_illness.threshold", ON_2025) == fen("14448")
    carried = edition.reading("major_illness.threshold", ON_2026)
    assert carried.value == fen("14448") and carried.carried_forward is True
    assert edition.value("major_illness.threshold_income_share", ON_2025) == pct("50%")
    tiers = edition.value("major_illness.tiers", ON_2025)
    assert tiers.basis == "above_threshold"
    assert tiers.tiers == (Tier(0, pct("60%")), Tier(fen("100000"), pct("70%")), Tier(fen("200000"), pct("85%")))
    assert edition.value("major_illness.annual_cap", ON_2025) == fen("300000")
    assert set(edition.value("major_illness.uncapped_categories", ON_2025)) == {
        "extreme_poverty",
        "orphan",
        "minimum_living",
    }
    assert edition.value("major_illness.low_income_threshold_reduction", ON_2025) == pct("50%")
    assert edition.value("major_illness.low_income_ratio_raise", ON_2025) == pct("5%")


def test_002_incentives_and_gap_penalty(rulebook):
    """002 ch.3 九问, 十问 (一): +4000 after 4 years, zero-claim +4000 not accumulating, ≤ 20%; gap −4000 ≤ 20%."""
    edition = rulebook[RESIDENT]
    assert edition.value("incentives.continuity_years_required", ON_2026) == 4
    assert edition.value("incentives.continuity_raise", ON_2026) == fen("4000")
    assert edition.value("incentives.zero_claim_raise", ON_2026) == fen("4000")
    assert edition.value("incentives.total_raise_share_max", ON_2026) == pct("20%")
    assert edition.value("readings.zero_claim_accumulates", ON_2026) is False
    assert edition.value("readings.gap_penalty_per_year", ON_2026) == fen("4000")
    assert edition.value("gap_penalty.total_share_max", ON_2026) == pct("20%")
    assert edition.value("readings.continuity_counting_start", ON_2026) == date(2025, 1, 1)


def test_002_resident_waiting_and_window(rulebook):
    """002 ch.3 三问, 七问, 十问: window 2025-10-20..2026-02-28; 3 months; +1 per further gap; ≥6; newborn 90 days."""
    edition = rulebook[RESIDENT]
    assert edition.value("coverage.central_window", ON_2026).for_year(2026) == (date(2025, 10, 20), date(2026, 2, 28))
    assert edition.value("waiting_period.fixed_months", ON_2026) == 3
    assert edition.value("readings.variable_wait_per_gap_year", ON_2026) == 1
    assert edition.value("waiting_period.gap_years_free_of_variable_wait", ON_2026) == 1
    assert edition.value("waiting_period.long_gap_run_years", ON_2026) == 4
    assert edition.value("waiting_period.long_gap_minimum_total_months", ON_2026) == 6
    assert edition.value("newborn.enrollment_limit_days", ON_2026) == 90
    assert edition.value("basic_pool.annual_cap", ON_2026) == fen("110000")


def test_002_employee_coverage(rulebook):
    """002 ch.2 六问, 八问, 二十一问, 二十三问; ch.1 二十六."""
    edition = rulebook[EMPLOYEE]
    assert edition.value("waiting_period.first_enrollment_months", ON_2025) == 6
    assert edition.value("maternity.first_enrollment_wait_months", ON_2025) == 6
    assert (
        edition.value("transfer.max_gap_months", ON_2025),
        edition.value("transfer.long_gap_wait_months", ON_2025),
    ) == (3, 6)
    assert edition.value("arrears.suspend_from_unpaid_month", ON_2025) == 4
    assert edition.value("arrears.retroactive_back_pay_months_max", ON_2025) == 6
    assert edition.value("arrears.no_retroactivity_months_max", ON_2025) == 12
    assert edition.value("arrears.long_arrears_wait_months", ON_2025) == 6
    assert edition.value("switching.long_gap_wait_months", ON_2025) == 6


MATERNITY = {
    # 002 ch.2 二十八问 (二) / ch.3 十四问 (二)(三): 限额支付
    EMPLOYEE: {
        "natural": "3500",
        "difficult_or_caesarean": "5500",
        "each_extra_baby": "800",
        "termination_16_weeks_plus": "1800",
        "termination_caesarean_extra": "900",
        "termination_under_16_weeks": "500",
    },
    RESIDENT: {
        "natural": "2000",
        "difficult_or_caesarean": "3500",
        "each_extra_baby": "800",
        "termination_16_weeks_plus": "1000",
        "termination_caesarean_extra": "500",
        "termination_under_16_weeks": "200",
    },
}
PRENATAL = {
    EMPLOYEE: {
        "birth": "800",
        "termination_16_weeks_plus": "500",
        "termination_under_16_weeks": "200",
    },  # ch.2 二十八问 (一)
    RESIDENT: {"birth_or_termination_7_months_plus": "500"},  # ch.3 十四问 (一)
}


@pytest.mark.parametrize("name", [EMPLOYEE, RESIDENT])
def test_002_maternity_limits(rulebook, name):
    """002 ch.2 二十八问, ch.3 十四问."""
    edition = rulebook[name]
    caps = edition.value("maternity.medical_cap", ON_2025)
    prenatal = edition.value("maternity.prenatal_allowance", ON_2025)
    assert {row: caps.cell(row) for row in caps.rows} == {k: fen(v) for k, v in MATERNITY[name].items()}
    assert {row: prenatal.cell(row) for row in prenatal.rows} == {k: fen(v) for k, v in PRENATAL[name].items()}


@pytest.mark.parametrize("name, ratio", [(EMPLOYEE, "70%"), (RESIDENT, "60%")])
def test_002_single_payment_drugs(rulebook, name, ratio):
    """002 ch.5 二问: 不计起付线, 职工70%, 居民60%, 不进第二层; 高值药品先行自付10%."""
    edition = rulebook[name]
    assert edition.value("drugs.single_payment_ratio", ON_2025) == pct(ratio)
    assert edition.value("drugs.single_payment_deductible", ON_2025) == 0
    assert edition.value("drugs.single_payment_to_second_layer", ON_2025) is False
    assert edition.value("drugs.high_value_self_pay_first", ON_2025) == pct("10%")


# 002 ch.6 五问 (一) 常规救助: 对象 | 起付 (share of prior-year income) | 比例 | 年度限额
REGULAR_ASSISTANCE = [
    ("extreme_poverty", "0", "100%", "30000"),
    ("minimum_living", "0", "70%", "20000"),
    ("monitored", "5%", "65%", "20000"),
    ("near_minimum", "10%", "50%", "10000"),
    ("illness_poverty", "25%", "50%", "10000"),
]


@pytest.mark.parametrize("name", [EMPLOYEE, RESIDENT])
@pytest.mark.parametrize("category, share, ratio, cap", REGULAR_ASSISTANCE)
def test_002_regular_assistance_rows(rulebook, name, category, share, ratio, cap):
    """002 ch.6 五问 (一) 常规救助."""
    edition = rulebook[name]
    assert edition.value("assistance.regular.deductible_income_share", ON_2025).cell(category) == pct(share)
    assert edition.value("assistance.regular.ratio", ON_2025).cell(category) == pct(ratio)
    assert edition.value("assistance.regular.annual_cap", ON_2025).cell(category) == fen(cap)


@pytest.mark.parametrize("name", [EMPLOYEE, RESIDENT])
def test_002_tilt_assistance(rulebook, name):
    """002 ch.6 五问 (二): 起付 = 2025 监测线 8500; 特困/孤儿 100% 限额10000; 其他 50%."""
    edition = rulebook[name]
    assert edition.value("assistance.tilt.threshold", ON_2025) == fen("8500")
    ratio = edition.value("assistance.tilt.ratio", ON_2025)
    assert (ratio.cell("extreme_poverty"), ratio.cell("orphan"), ratio.cell("minimum_living")) == (
        pct("100%"),
        pct("100%"),
        pct("50%"),
    )
    assert edition.value("assistance.tilt.annual_cap", ON_2025).cell("extreme_poverty") == fen("10000")


def test_002_contributions(rulebook):
    """002 ch.2 五问, 七问, 三十二问, 三十五问, 十一问, 十二问; ch.3 六问, 八问."""
    employee = rulebook[EMPLOYEE]
    rates = {
        name: employee.value(f"contribution.{name}", ON_2025)
        for name in (
            "employer_rate",
            "employee_rate",
            "flexible_rate",
            "maternity_rate",
            "civil_servant_rate",
            "large_amount_rate",
        )
    }
    assert rates == {
        "employer_rate": pct("7%"),
        "employee_rate": pct("2%"),
        "flexible_rate": pct("9%"),
        "maternity_rate": pct("0.6%"),
        "civil_servant_rate": pct("2%"),
        "large_amount_rate": pct("2%"),
    }
    assert employee.value("personal_account.retiree_rate", ON_2025) == pct("2.8%")
    resident = rulebook[RESIDENT]
    personal = resident.value("contribution.personal", ON_2026)
    assert [
        personal.cell("adult", c) for c in ("ordinary", "extreme_poverty", "orphan", "minimum_living", "monitored")
    ] == [fen("400"), 0, 0, fen("100"), fen("100")]
    assert resident.value("contribution.government_subsidy", ON_2025).cell("adult", "ordinary") == fen("670")
    assert resident.value("contribution.government_subsidy", ON_2026).cell("adult", "ordinary") == fen("700")


def test_002_retirement_years_2025_and_2035(rulebook):
    """002 ch.2 十九问: 2025 累计20年/本市10年; 2035 男30 女25, 省内15; steps between are carried forward."""
    edition = rulebook[EMPLOYEE]
    assert edition.value("retirement.minimum_years_total", ON_2025).cell("male") == 20
    between = edition.reading("retirement.minimum_years_total", date(2030, 1, 1))
    assert between.value.cell("male") == 20 and between.carried_forward is True
    final = edition.value("retirement.minimum_years_total", date(2035, 1, 1))
    assert (final.cell("male"), final.cell("female")) == (30, 25)
    assert edition.value("retirement.minimum_years_actual", date(2035, 6, 1)) == 15
