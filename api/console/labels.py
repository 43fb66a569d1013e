"""Labels of the console in Chinese (default: the users are Chinese insurance staff) and English.

The language comes from ``?lang=zh|en`` (remembered in the ``console_lang`` cookie) or that cookie;
anything else means Chinese. Explanations and policy references come from the rule sets and the
fold are rendered from the domain's message catalogue (``domain.messages``) in the console's
language; only the console's own words are here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request

from domain import messages
from domain.explain import render_explanation
from domain.messages.terms import CONDITION_NAMES, TERMS

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANGUAGE_COOKIE = "console_lang"

_LABELS: dict[str, tuple[str, str]] = {
    # key: (zh, en)
    "console": ("医保待遇台账 · 服务与稽核控制台", "Benefits ledger · service and audit console"),
    "nav.members": ("参保人", "Members"),
    "nav.rules": ("政策规则", "Rules"),
    "nav.audit": ("稽核", "Audit"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "api_key": ("API 密钥", "API key"),
    "sign_in.hint": ("请输入分配给您的 API 密钥。", "Enter the API key you were given."),
    "sign_in.refused": ("密钥无效或已停用，请重新登录。", "The key was refused; sign in again."),
    "forbidden": ("您的角色无权查看此页面。", "Your role may not see this page."),
    "not_found": ("未找到", "Not found"),
    "signed_in_as": ("当前角色", "Signed in as"),
    "language": ("English", "中文"),
    "search": ("查询", "Search"),
    "member.search_hint": (
        "参保人编号（或其前缀）、18位身份证号或姓名（或其开头）",
        "Member id (or its beginning), 18-character identity number, or name (or its beginning)",
    ),
    "isolated.title": ("已隔离的参保人", "Isolated members"),
    "isolated.note": (
        "这些参保人的事件无法计算，已从读模型隔离，其他参保人不受影响；其事件、代码或规则变化时自动重试。",
        "Their events cannot be folded: they are isolated from the read model, everyone else goes on; they are "
        "retried when their events, the code or the rules change.",
    ),
    "isolated.event": ("事件位置", "Event"),
    "isolated.error": ("错误", "Error"),
    "member": ("参保人", "Member"),
    "as_of": ("查询日期", "As of"),
    "known_at": ("信息截止时间", "Known at"),
    "edition": ("规则版本", "Edition"),
    "show": ("显示", "Show"),
    "timeline": ("参保时间轴", "Coverage timeline"),
    "status": ("待遇状态", "Status"),
    "caps": ("年度额度（各支付层）", "Annual caps per layer"),
    "claims": ("结算记录", "Claims"),
    "region": ("统筹区", "Region"),
    "scheme": ("险种", "Scheme"),
    "covered": ("参保中", "Covered"),
    "benefits_active": ("可享受待遇", "Benefits active"),
    "benefits_start": ("待遇开始日期", "Benefits start"),
    "suspended": ("暂停", "Suspended"),
    "waiting": ("待遇等待期", "Waiting period"),
    "waiting_over": ("已届满", "over"),
    "continuous_employee_months": ("职工连续缴费月数", "Continuous employee months"),
    "continuity": ("连续参保", "Continuity"),
    "consecutive_years": ("连续参保年数", "Consecutive years"),
    "gap_years": ("断保年数", "Gap years"),
    "major_illness": ("大病保险", "Major-illness insurance"),
    "base_cap": ("基础限额", "Base cap"),
    "continuity_bonus": ("连续参保奖励", "Continuity bonus"),
    "zero_claim_bonus": ("零报销奖励", "Zero-claim bonus"),
    "gap_penalty": ("断保扣减", "Gap penalty"),
    "cap": ("限额", "Cap"),
    "used": ("已使用", "Used"),
    "remaining": ("剩余", "Remaining"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "none": ("无", "none"),
    "explanation": ("依据", "Why"),
    "parameter": ("参数", "Parameter"),
    "value": ("取值", "Value"),
    "reference": ("政策依据", "Policy reference"),
    "fixed_months": ("固定等待期（月）", "Fixed months"),
    "variable_months": ("变动等待期（月）", "Variable months"),
    "repaired_months": ("补缴修复（月）", "Repaired months"),
    "total_months": ("合计（月）", "Total months"),
    "claim": ("单据", "Claim"),
    "admitted_on": ("入院/就诊日期", "Admitted"),
    "setting": ("类别", "Setting"),
    "total_amount": ("总费用", "Total"),
    "fund_total": ("基金支付", "Fund pays"),
    "member_pays": ("个人负担", "Member pays"),
    "deductible": ("起付线", "Deductible"),
    "reasons": ("说明", "Reasons"),
    "personal_account": ("个人账户", "Personal account"),
    "balance": ("余额", "Balance"),
    "credited": ("划入合计", "Credited"),
    "spent": ("本人使用", "Spent"),
    "family_aid": ("家庭共济", "Family mutual aid"),
    "paid_out": ("一次性支取", "Paid out"),
    "movements": ("最近收支", "Latest movements"),
    "movements_of": ("条，共", "of"),
    "refused": ("未执行的支出", "Refused movements"),
    "date": ("日期", "Date"),
    "kind": ("类型", "Kind"),
    "amount": ("金额", "Amount"),
    "balance_after": ("变动后余额", "Balance after"),
    "reason": ("原因", "Reason"),
    "corrections": ("更正记录", "Corrections"),
    "transfers": ("医保关系转移接续", "Moves between regions"),
    "from_region": ("转出地", "From"),
    "to_region": ("转入地", "To"),
    "retracted_at": ("撤销时间", "Retracted at"),
    "retracted_by": ("撤销来源", "Retracted by"),
    "revised_claims": ("更正后重算的结算", "Claims recomputed on the corrected facts"),
    "recorded_decision": ("原结算（已记录）", "Recorded decision"),
    "recomputed": ("按更正后事实重算", "Recomputed"),
    "claim_retracted": ("单据已撤销", "claim retracted"),
    "contribution_years": ("缴费年限", "Contribution years"),
    "total_years": ("累计缴费年限", "Total years"),
    "actual_years": ("实际缴费年限", "Actual years"),
    "local_months": ("本地缴费（月）", "Paid locally (months)"),
    "outside_months": ("外地缴费或转入（月）", "Paid elsewhere or transferred in (months)"),
    "deemed_months": ("视同缴费（月）", "Deemed (months)"),
    "settled_months": ("一次性补缴（月）", "Bought at retirement (months)"),
    "required_years": ("最低缴费年限", "Minimum"),
    "in_all": ("累计", "in all"),
    "actual": ("实际", "actual"),
    "shortfall": ("缺缴", "Shortfall"),
    "months": ("月", "months"),
    "years": ("年", "years"),
    "retired_on": ("退休日期", "Retired on"),
    "completed_on": ("年限补足日期", "Minimum met on"),
    "retiree_benefits_from": ("退休待遇开始", "Retiree benefits from"),
    "shortfall_payments": ("一次性补缴", "One-off payments"),
    "maternity": ("生育津贴", "Maternity allowance"),
    "consecutive_paid_months": ("连续缴费月数", "Consecutive paid months"),
    "required_months": ("所需月数", "needed"),
    "allowance_days": ("津贴天数", "Days"),
    "monthly_base": ("计发基数（月）", "Monthly base"),
    "gross": ("应发", "Gross"),
    "unemployment_deducted": ("扣除失业金", "Unemployment benefit deducted"),
    "net": ("实发", "Net"),
    "payment": ("发放方式", "Payment"),
    "payable_from": ("发放日期", "Payable from"),
    "instalments": ("分期", "Instalments"),
    "maternity_status.qualified": ("符合条件", "qualified"),
    "maternity_status.pending": ("待满足条件", "pending"),
    "maternity_status.not_qualified": ("不符合条件", "not qualified"),
    "lane.resident": ("城乡居民医保", "Resident scheme"),
    "lane.employee": ("职工医保", "Employee scheme"),
    "lane.gaps": ("断保", "Gaps"),
    "lane.categories": ("身份认定", "Categories"),
    "lane.filings": ("异地就医备案", "Remote-care filings"),
    "lane.conditions": ("慢特病认定", "Certified conditions"),
    "lane.claims": ("就医结算", "Claims"),
    "legend.benefits": ("享受待遇", "Benefits"),
    "legend.fixed": ("固定等待期", "Fixed wait"),
    "legend.variable": ("变动等待期", "Variable wait"),
    "legend.repaired": ("补缴修复", "Repaired"),
    "legend.gap": ("断保", "Gap"),
    "legend.before_benefits": ("待遇尚未开始", "Before benefits"),
    "legend.switch": ("险种转换", "Scheme switch"),
    "legend.suspended": ("暂停", "Suspended"),
    "rules.sets": ("规则集", "Rule sets"),
    "rules.name": ("名称", "Name"),
    "rules.hash": ("版本哈希", "Edition hash"),
    "rules.range": ("有效日期", "Dates"),
    "rules.confidence": ("可信度", "Confidence"),
    "rules.on": ("生效日期", "In force on"),
    "rules.compare": ("比较", "Compare"),
    "rules.changes": ("变化", "What changes"),
    "rules.side_a": ("甲方", "Side A"),
    "rules.side_b": ("乙方", "Side B"),
    "rules.no_changes": ("没有差异。", "Nothing changes."),
    "rules.only_a": ("仅甲方有", "only in A"),
    "rules.only_b": ("仅乙方有", "only in B"),
    "audit.replays": ("重算任务", "Replays"),
    "audit.progress": ("进度", "Progress"),
    "audit.members_done": ("已处理参保人", "Members done"),
    "audit.events_per_s": ("事件/秒", "Events/s"),
    "audit.eta": ("预计剩余（秒）", "ETA (s)"),
    "audit.diff": ("版本差异稽核", "Audit diff between editions"),
    "audit.jobs": ("稽核任务", "Audit jobs"),
    "audit.job": ("稽核任务", "Audit job"),
    "audit.results": ("查看结果", "Results"),
    "audit.done": ("已完成", "done"),
    "audit.running": ("进行中", "running"),
    "audit.against": ("对比", "Against"),
    "audit.recorded": ("已记录的结算决定", "recorded decisions"),
    "audit.rulebook": ("现行规则库", "the rulebook"),
    "audit.run": ("运行稽核", "Run audit"),
    "audit.members_compared": ("比较的参保人", "Members compared"),
    "audit.members_changed": ("有差异的参保人", "Members changed"),
    "audit.totals": ("差异合计（甲 − 乙）", "Totals (A − B)"),
    "audit.by_region": ("按统筹区", "By region"),
    "audit.by_scheme": ("按险种", "By scheme"),
    "audit.by_layer": ("按支付层", "By layer"),
    "audit.by_year": ("按年度", "By year"),
    "audit.differences": ("差异明细", "Differences"),
    "audit.csv": ("下载 CSV", "Download CSV"),
    "audit.delta": ("差额", "Delta"),
    "audit.claims": ("单据数", "Claims"),
    "audit.kind": ("类型", "Kind"),
    "audit.field": ("项目", "Figure"),
    "audit.too_many": ("参保人过多，请使用命令行 ledger audit。", "Too many members: use `ledger audit`."),
    "audit.shown_first": ("仅显示前若干条", "showing the first"),
    "all": ("全部", "all"),
    # the contributions table (缴费核对): each payment against its standard
    "contributions": ("缴费核对", "Contributions checked"),
    "contribution.period": ("缴费期间", "Period"),
    "contribution.paid": ("实缴金额", "Paid"),
    "contribution.standard": ("应缴标准", "Standard"),
    "contribution.difference": ("差额", "Difference"),
    "contribution.verdict": ("核对结果", "Verdict"),
    "contribution.no_coverage": ("不产生参保", "gives no coverage"),
    "contribution.refund": ("应退", "refund"),
    # why a member is not covered on the date asked
    "not_covered": ("该日期不在参保期内", "Not covered on this date"),
    "not_covered.no_payment": ("没有已缴费的参保期间", "No paid coverage period is recorded"),
    "not_covered.ended": ("最近一次参保期间已于以下日期结束", "The last coverage period ended on"),
    "not_covered.not_yet": ("参保期间尚未开始，开始于", "Coverage has not started yet; it starts on"),
    # the member list
    "members.list": ("参保人名单", "Member list"),
    "members.filter": ("筛选", "Filter"),
    "members.prefix": ("编号前缀", "Id prefix"),
    "members.name": ("姓名前缀", "Name starts with"),
    "members.name_column": ("姓名", "Name"),
    "members.status": ("参保状态", "Coverage status"),
    "members.status.covered": ("参保中", "covered"),
    "members.status.not_covered": ("未参保", "not covered"),
    "members.total": ("共", "Total"),
    "members.page": ("页", "Page"),
    "members.previous": ("上一页", "Previous"),
    "members.next": ("下一页", "Next"),
    "members.none": ("没有符合条件的参保人。", "No member matches."),
    "members.read_model_note": (
        "名单来自读模型（由投影程序更新）。",
        "The list comes from the read model (kept current by the projection).",
    ),
    "page.rules": ("政策规则", "Rules"),
    "page.audit": ("稽核", "Audit"),
    "page.sign_in": ("登录", "Sign in"),
    "page.error": ("错误", "Error"),
}

LABELS: Mapping[str, Mapping[str, str]] = {
    language: {key: pair[index] for key, pair in _LABELS.items()} for index, language in enumerate(LANGUAGES)
}
TERM_LABELS: Mapping[str, Mapping[str, str]] = {
    language: {key: pair[index] for key, pair in TERMS.items()} for index, language in enumerate(LANGUAGES)
}
CONDITIONS: Mapping[str, Mapping[str, str]] = {
    language: {code: pair[index] for code, pair in CONDITION_NAMES.items()} for index, language in enumerate(LANGUAGES)
}


def catalogue_gaps() -> list[str]:
    """Keys whose text is missing or empty in a language (the console's catalogue must be complete)."""
    gaps = [f"{key} ({language})" for language in LANGUAGES for key, text in LABELS[language].items() if not text]
    gaps += [f"{key} ({language})" for language in LANGUAGES for key, text in TERM_LABELS[language].items() if not text]
    gaps += [
        f"{code} ({language})" for language in LANGUAGES for code, name in CONDITIONS[language].items() if not name
    ]
    gaps += [f"{key}: not a (zh, en) pair" for key, pair in _LABELS.items() if len(pair) != len(LANGUAGES)]
    return gaps


def language_of(request: Request) -> str:
    """``?lang=`` first, then the cookie, else Chinese."""
    chosen = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


class Translator:
    """``t("key")`` in templates; ``t.term("layer", name)`` for a policy term, falling back to the term itself.

    The console's own words come from ``_LABELS``; the policy's words (layers, settings, status
    words, disease names) and the explanations' texts from the domain's message catalogue
    (``domain.messages``), shared with the API.
    """

    def __init__(self, language: str) -> None:
        self.language = language
        self.labels = LABELS[language]

    def __call__(self, key: str) -> str:
        return self.labels.get(key) or TERM_LABELS[self.language].get(key, key)

    def term(self, kind: str, name: str | None) -> str:
        if not name:
            return ""
        return self.labels.get(f"{kind}.{name}") or messages.term(kind, name, self.language)

    def condition(self, code: str) -> str:
        """A disease code with its name (``M00100 结核病``); an unknown code as it is."""
        return messages.condition_name(code, self.language)

    def cap(self, key: str) -> str:
        """A cap or balance key in words: ``chronic:M00100`` → 门诊慢特病 · M00100 结核病; a layer by its name."""
        return messages.cap_label(key, self.language)

    def explain(self, item: Mapping[str, Any]) -> str:
        """An explanation's (or any stored message's) text in the console's language."""
        if item.get("key") not in messages.MESSAGES or "params" not in item:
            return str(item.get("text", ""))
        return render_explanation(dict(item), self.language)
