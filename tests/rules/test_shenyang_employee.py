"""Seed 000 (沈阳市城镇职工基本医疗保险经办, 2025-26), table by table, against shenyang-employee."""

from __future__ import annotations

from datetime import date

import pytest

from domain.policies import Tier
from tests.rules.conftest import ON_2025, fen, pct

NAME = "shenyang-employee"

# 000 市内住院待遇 一览表: 等级 | 起付(元/次) | 报销比例 在职, 退休 | 个人自付 在职, 退休
INPATIENT_TABLE = [
    ("level1", "200", "94%", "97%", "6%", "3%"),  # 一级
    ("level2", "300", "93%", "96%", "7%", "4%"),  # 区属二级
    ("level2_city", "300", "93%", "96%", "7%", "4%"),  # 市属二级
    ("level3", "600", "88%", "91%", "12%", "9%"),  # 三级
    ("level3_special", "1200", "86%", "89%", "14%", "11%"),  # 特大型三级
]


@pytest.mark.parametrize("level, deductible, in_service, retired, copay_in_service, copay_retired", INPATIENT_TABLE)
def test_000_inpatient_table_rows(rulebook, level, deductible, in_service, retired, copay_in_service, copay_retired):
    """000 市内住院待遇: 住院医疗费用报销比例一览表."""
    edition = rulebook[NAME]
    deductibles = edition.value("inpatient.deductible", ON_2025)
    ratios = edition.value("inpatient.ratio", ON_2025)
    assert deductibles.cell(level, "in_service") == deductibles.cell(level, "retired") == fen(deductible)
    assert ratios.cell(level, "in_service") == pct(in_service)
    assert ratios.cell(level, "retired") == pct(retired)
    assert 1 - ratios.cell(level, "in_service") == pct(copay_in_service)
    assert 1 - ratios.cell(level, "retired") == pct(copay_retired)


def test_000_inpatient_table_has_exactly_the_printed_levels(rulebook):
    assert set(rulebook[NAME].value("inpatient.ratio", ON_2025).rows) == {row[0] for row in INPATIENT_TABLE}


def test_000_repeat_admissions_and_exemptions(rulebook):
    """000 市内住院待遇 注2: 每次递减15%, 最多2次; 精神病等不设起付; 恶性肿瘤每年只交首次."""
    edition = rulebook[NAME]
    reduction = edition.value("readings.repeat_admission_reduction", ON_2025)
    assert [reduction.cell(row) for row in ("1", "2", "3_or_later")] == [pct("100%"), pct("85%"), pct("70%")]
    assert set(edition.value("inpatient.deductible_exempt_conditions", ON_2025)) == {
        "psychiatric",
        "infectious_hepatitis",
        "infiltrative_tuberculosis",
        "fibrocavitary_tuberculosis",
        "aids",
    }
    assert edition.value("inpatient.cancer_deductible_once_per_year", ON_2025) is True


# 000 门诊统筹 一览表: 等级 | 起付(元/年) | 在职, 退休 | 限额 12000
OUTPATIENT_TABLE = [
    ("level3_special", "600", "50%", "55%"),
    ("level3", "400", "55%", "60%"),
    ("level2", "200", "65%", "70%"),  # 二级、三级传染病和精神疾病专科医院
    ("level1", "200", "70%", "75%"),  # 一级及以下
]


@pytest.mark.parametrize("level, deductible, in_service, retired", OUTPATIENT_TABLE)
def test_000_outpatient_pooling_rows(rulebook, level, deductible, in_service, retired):
    """000 门、急诊待遇 3: 门诊统筹医疗费用报销比例一览表."""
    edition = rulebook[NAME]
    assert edition.value("outpatient_pooling.deductible", ON_2025).cell(level, "in_service") == fen(deductible)
    ratios = edition.value("outpatient_pooling.ratio", ON_2025)
    assert ratios.cell(level, "in_service") == pct(in_service)
    assert ratios.cell(level, "retired") == pct(retired)


def test_000_outpatient_pooling_caps_and_family_doctor(rulebook):
    """000 门诊统筹: 12000元/人/年; 慢性病待遇者 7800; 家庭医生 +10 点."""
    edition = rulebook[NAME]
    caps = edition.value("outpatient_pooling.annual_cap", ON_2025)
    assert caps.cell("in_service") == caps.cell("retired") == fen("12000")
    assert edition.value("outpatient_pooling.annual_cap_with_chronic_benefit", ON_2025) == fen("7800")
    assert edition.value("outpatient_pooling.family_doctor_ratio_raise", ON_2025) == pct("10%")


def test_000_emergency_chronic_special(rulebook):
    """000 门、急诊待遇 1-2: 急诊 70% (不计门诊统筹限额); 透析 94%, 其余特殊病 85%; 慢性病 在职75% 退休85%."""
    edition = rulebook[NAME]
    assert edition.value("emergency.outpatient_ratio", ON_2025) == pct("70%")
    assert edition.value("emergency.counts_toward_outpatient_cap", ON_2025) is False
    assert edition.value("special_disease.dialysis_ratio", ON_2025) == pct("94%")
    assert edition.value("special_disease.ratio", ON_2025) == pct("85%")
    chronic = edition.value("chronic.ratio_by_kind", ON_2025)
    assert (chronic.cell("in_service"), chronic.cell("retired")) == (pct("75%"), pct("85%"))


def test_000_caps(rulebook):
    """000 统筹基金最高支付限额 15万; 大额医疗保险费: 年度最高支付限额50万, 保费132 (66+66)."""
    edition = rulebook[NAME]
    assert edition.value("basic_pool.annual_cap", ON_2025) == fen("150000")
    assert edition.value("large_amount.annual_cap", ON_2025) == fen("500000")
    premium = edition.value("large_amount.premium_per_year", ON_2025)
    assert premium.cell("employer") + premium.cell("member") == fen("132")


def test_000_large_amount_halves_deductible_and_copay_and_chronic_ratios(rulebook):
    """000 大额医疗保险待遇 3: 按50%降低起付标准和个人自付比例; 门诊慢特病 透析94%, 其余90.5%, 退休95.5%."""
    edition = rulebook[NAME]
    assert str(edition.value("large_amount.deductible_factor", ON_2025)) == "0.5"
    assert str(edition.value("large_amount.copay_ratio_factor", ON_2025)) == "0.5"
    chronic = edition.value("large_amount.chronic_special_ratio", ON_2025)
    assert chronic.cell("dialysis", "in_service") == pct("94%")
    assert chronic.cell("other", "in_service") == pct("90.5%")
    assert chronic.cell("dialysis", "retired") == chronic.cell("other", "retired") == pct("95.5%")


# 000 补充医疗保险待遇 4: 自付金额（扣除起付标准） | 本市 | 临时外出
SUPPLEMENTARY_TABLE = [("600", "40%", "10%"), ("800", "50%", "15%"), ("1000", "60%", "20%"), ("3000", "70%", "25%")]


def test_000_supplementary_bands(rulebook):
    """000 补充医疗保险待遇 4: 600-800 40%, 800-1000 50%, 1000-3000 60%, 3000以上 70% (临时外出 10/15/20/25)."""
    edition = rulebook[NAME]
    local = edition.value("supplementary.local_bands", ON_2025)
    remote = edition.value("supplementary.temporary_remote_bands", ON_2025)
    assert local.tiers == tuple(Tier(fen(over), pct(ratio)) for over, ratio, _ in SUPPLEMENTARY_TABLE)
    assert remote.tiers == tuple(Tier(fen(over), pct(ratio)) for over, _, ratio in SUPPLEMENTARY_TABLE)
    # co-pay 1,200: 40% of 200 + 50% of 200 + 60% of 200
    assert local.amount_due(base_fen=fen("1200")) == fen("80") + fen("100") + fen("120")
    assert local.amount_due(base_fen=fen("600")) == 0


def test_000_remote_care(rulebook):
    """000 异地医疗待遇 3, 5: 起付×2.5, −10点; 急危重病住院 ×2 (reading), 比例不变; 门急诊 −10点; 临时外出无门诊统筹."""
    edition = rulebook[NAME]
    assert str(edition.value("remote.temporary_deductible_factor", ON_2025)) == "2.5"
    assert edition.value("remote.temporary_ratio_reduction", ON_2025) == pct("10%")
    assert str(edition.value("readings.emergency_remote_deductible_factor", ON_2025)) == "2"
    assert edition.value("remote.emergency_inpatient_ratio_reduction", ON_2025) == 0
    assert edition.value("remote.emergency_outpatient_ratio_reduction", ON_2025) == pct("10%")
    assert edition.value("remote.temporary_outpatient_pooling", ON_2025) is False
    assert edition.value("remote.big_city_top_hospital_level", ON_2025) == "level3_special"


def test_000_large_amount_away_from_home(rulebook):
    """000 大额医疗保险待遇 3: 本市 and 异地长期居住人员备案地 halve; 异地就医待遇 3, 5: 临时外出 and 急危重病住院
    按异地医疗机构起付标准和报销比例执行标准执行."""
    edition = rulebook[NAME]
    assert edition.value("large_amount.reduced_locations", ON_2025) == ("local", "remote_long_term")
    assert edition.value("large_amount.remote_row_standard_locations", ON_2025) == (
        "remote_temporary_referral",
        "remote_temporary_other",
        "remote_emergency",
    )


def test_000_first_contribution_same_day_from_2026(rulebook):
    """000 待遇起始时间 1, 4: 次月起; 2026年1月起首次参保自缴费到账之日起."""
    edition = rulebook[NAME]
    assert edition.value("coverage.benefits_start", ON_2025) == "month_after_contribution"
    assert edition.value("coverage.first_contribution_same_day", date(2025, 12, 31)) is False
    assert edition.value("coverage.first_contribution_same_day", date(2026, 1, 1)) is True
    assert edition.value("maternity.allowance_min_paid_months", ON_2025) == 10


# 000 男职工未就业配偶生育医疗费补贴标准一览表
SPOUSE_SUBSIDY = {
    "natural_single": "1500",
    "natural_multiple": "1800",
    "caesarean_or_difficult_single": "2000",
    "caesarean_or_difficult_multiple": "2300",
    "caesarean_with_surgery": "2600",
    "prenatal_examination": "300",
}
# 000 生育津贴计发标准一览表 (days)
ALLOWANCE_DAYS = {
    "miscarriage_under_4_months": 15,
    "termination_4_months_plus": 42,
    "stillbirth_28_weeks_plus": 42,
    "natural_single": 158,
    "caesarean_or_difficult_single": 173,
    "each_extra_baby": 15,
    "natural_single_out_of_plan": 98,
    "caesarean_or_difficult_single_out_of_plan": 113,
    "male_nursing_leave": 20,
}


def test_000_maternity_tables(rulebook):
    """000 生育保险待遇: 配偶补贴一览表, 生育津贴计发标准一览表, 辅助生殖 60% 2次, 分娩免起付."""
    edition = rulebook[NAME]
    subsidy = edition.value("maternity.spouse_subsidy", ON_2025)
    days = edition.value("maternity.allowance_days", ON_2025)
    assert {row: subsidy.cell(row) for row in subsidy.rows} == {k: fen(v) for k, v in SPOUSE_SUBSIDY.items()}
    assert {row: days.cell(row) for row in days.rows} == ALLOWANCE_DAYS
    assert edition.value("maternity.assisted_reproduction_ratio", ON_2025) == pct("60%")
    assert edition.value("maternity.assisted_reproduction_uses_max", ON_2025) == 2
    assert edition.value("inpatient.childbirth_deductible_exempt", ON_2025) is True


def test_000_contributions_and_accounts(rulebook):
    """000 缴费比例及缴费基数 1 (8.6% / 2%, 60%-300%); 个人账户 2% / 80元; 补缴 60%; 趸缴 6%."""
    edition = rulebook[NAME]
    assert edition.value("contribution.employer_rate", ON_2025) == pct("8.6%")
    assert edition.value("contribution.employee_rate", ON_2025) == pct("2%")
    assert str(edition.value("contribution.base_floor_factor", ON_2025)) == "0.60"
    assert str(edition.value("contribution.base_ceiling_factor", ON_2025)) == "3.00"
    assert edition.value("personal_account.in_service_rate", ON_2025) == pct("2%")
    assert edition.value("personal_account.retiree_monthly", ON_2025) == fen("80")
    assert edition.value("contribution.retirement_top_up_rate", ON_2025) == pct("6%")


@pytest.mark.parametrize("year, male_years", [(2024, 26), (2025, 27), (2026, 28), (2027, 29), (2028, 30)])
def test_000_minimum_years_for_men_rise_by_one_a_year_to_30_in_2028(rulebook, year, male_years):
    """000 缴费年限 1: 由男满25年 每年递增1年, 至2028年30年; 实际缴费 ≥ 10年."""
    edition = rulebook[NAME]
    assert edition.value("retirement.minimum_years_total", date(year, 6, 1)).cell("male") == male_years
    assert edition.value("retirement.minimum_years_actual", date(year, 6, 1)) == 10
