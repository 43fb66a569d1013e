# ruff: noqa: E501 -- one template a line reads better than a template split to fit
"""The message catalogue: every explanation's template as (zh, en).

Parameters are ``str.format`` fields; a field's format spec may name a term kind
(``{layer:layer}``, ``{setting:setting}``, ``{key:cap}``, ``{code:condition}``) so the Chinese
text shows the policy's word for a machine word (``domain.messages.terms``). Both templates of a
key use the same parameters; a test checks every key has both and every parameter is supplied.
Chinese wording follows the seeds' terms: 起付标准, 报销比例/支付比例, 统筹基金, 大病保险,
待遇等待期, 连续参保激励, 零报销激励, 个人账户, 缴费年限.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # --- generic -------------------------------------------------------------------------------
    "text.untranslated": ("{text}", "{text}"),
    "explain.carried_forward": (
        "（所用数值已超出其依据文件明确的期间，按最近数值延续）",
        " (a figure past the period its source vouches for was carried forward)",
    ),
    "list.joined": ("{parts}", "{parts}"),
    # --- claim deadlines (报销截止时间) ------------------------------------------------------
    "deadline.source.applied_on": ("申请日期", "applied_on"),
    "deadline.source.recorded": ("登记日期", "the recorded day"),
    "deadline.next_year_month": (
        "须于出院次年{month}月底前申请",
        "by the end of {month}, the year after the discharge",
    ),
    "deadline.manual_drug": (
        "须于就医结束后{months}个月内办理手工结算（{location:location}）",
        "within {months} months of the care ({location}, manual settlement)",
    ),
    "deadline.met": (
        "{applied}申请（{source}），{rule}：截止{last}",
        "applied on {applied} ({source}), {rule}: by {last}",
    ),
    "deadline.missed": (
        "{applied}申请（{source}），已超过报销截止日期{last}（{rule}）；不予支付",
        "applied on {applied} ({source}), after the claim deadline {last} ({rule}); nothing paid",
    ),
    # --- retroactive assistance (依申请救助) -------------------------------------------------
    "retroactive.top_up": (
        "依申请救助决定{decision}补助{amount}：自{since}起认定为{category:category}；按常规救助标准，"
        "对个人自付{self_pay}应救助{due}，扣除已救助{already}",
        "topped up {amount} by the ledger's retroactive-assistance decision {decision} (依申请救助): "
        "certified {category} from {since}; {due} due at the routine standard on the self-pay {self_pay}, "
        "less {already} already assisted",
    ),
    "retroactive.decision": (
        "自{since}起认定为{category:category}（依申请救助，以认定时间为节点）：{year}年度此前入院的费用，"
        "按{category:category}常规救助标准对其他支付层支付后的个人自付部分给予救助，扣除已获救助（待遇就高，不重复享受）："
        "{named}；合计{total}",
        "certified {category} from {since} (依申请救助, 以认定时间为节点): the {year} claims admitted before it "
        "are assisted at the {category} routine standard on the self-pay the other layers left, less what "
        "they already received (待遇就高, 不重复享受): {named}; total {total}",
    ),
    # --- general consultation fee (一般诊疗费) ------------------------------------------------
    "consultation.ratio": ("{fee} × {ratio} = {raw}", "{fee} × {ratio} = {raw}"),
    "consultation.limited_basic_pool": (
        "以基本统筹年度限额剩余的{left}为限",
        "limited to the {left} left of the basic-pool cap",
    ),
    "consultation.own_line": (
        "一般诊疗费单独结算：{words}",
        "general consultation fee (一般诊疗费) on its own line: {words}",
    ),
    "consultation.own_line_terms": (
        "不设起付标准，不计入门诊统筹季度限额（readings.general_consultation_fee_line）",
        "no deductible, outside the quarterly outpatient cap (readings.general_consultation_fee_line)",
    ),
    "consultation.village": (
        "村卫生室就诊{visits}次 × {share} = {raw}",
        "{visits} village-clinic visit(s) × {share} = {raw}",
    ),
    "consultation.village_limited": (
        "{words}，以每年{cap}限额的剩余{left}为限",
        "{words}, limited to the {left} left of the {cap} a year",
    ),
    "consultation.no_line": (
        "一般诊疗费{fee}与其他费用一并结算：{edition}未规定单独结算",
        "the general consultation fee {fee} is settled with the rest: {edition} has no line of its own for it",
    ),
    "consultation.level_not_listed": (
        "{level:level}医疗机构的一般诊疗费{fee}与其他费用一并结算（单独结算仅适用于{levels:level}及村卫生室）",
        "the general consultation fee {fee} at a {level} facility is settled with the rest "
        "(its own line is for {levels} and village clinics)",
    ),
    # --- partial rule sets (low confidence) ----------------------------------------------------
    "partial.emergency_admission": ("急诊入院", "emergency admission"),
    "partial.remote_admission": ("异地住院", "remote admission"),
    "partial.with_filing": ("有", "with"),
    "partial.without_filing": ("无", "without"),
    "partial.remote_inpatient": (
        "{missing}：本次异地住院按{edition}（低可信度）结算——{admission}，{admitted_on}{filing}有效的异地就医备案，"
        "按{kind:person_kind}（{scheme:scheme}，{region:region}）：（政策范围内费用{policy} − 起付标准{deductible}）"
        "× {ratio} = {paid}；参保期间取自已缴费的{coverage_start}至{coverage_end}（未知待遇等待期规则）；"
        "未知年度限额及二次报销",
        "{missing}: the remote inpatient stay is settled by {edition} (low confidence) — "
        "{admission} {filing} a filing valid on {admitted_on}, as {kind} ({scheme}, {region}): (policy "
        "{policy} − deductible {deductible}) × {ratio} = {paid}; coverage taken from the contribution paid for "
        "{coverage_start} – {coverage_end} (no waiting-period rule known); no annual cap and no second layer known",
    ),
    "partial.status": (
        "{missing}；部分规则集{edition}结算其所规定的情形（异地住院）；参保期间按已缴费显示，不适用待遇等待期或暂停规则",
        "{missing}; the partial rule set {edition} settles what it describes (remote inpatient stays); "
        "coverage is shown as paid, with no waiting-period or suspension rule applied",
    ),
    # --- medical assistance (医疗救助) ------------------------------------------------------
    "assistance.severe_mental": (
        "{category:category}人员因严重精神障碍住院：{paid}（全额救助）",
        "severe mental illness admission of a {category} member: {paid} (full assistance)",
    ),
    "assistance.shenyang": (
        "{category:category}：基本救助{basic}（起付标准{deductible}，年度限额内），再倾斜救助{tilt}（起付标准{tilt_deductible}，不设限额）",
        "{category}: basic assistance {basic} (deductible {deductible}, yearly limit), "
        "then tilt assistance {tilt} (deductible {tilt_deductible}, no cap)",
    ),
    "assistance.illness_poverty": (
        "因病致贫重病患者：基本救助{basic}（起付标准{deductible}），倾斜救助{tilt}（起付标准{tilt_deductible}），年度内逐笔结算",
        "illness_poverty: basic {basic} (deductible {deductible}), tilt {tilt} "
        "(deductible {tilt_deductible}), settled claim by claim within the year",
    ),
    "assistance.outpatient": (
        "{category:category}：门诊救助 {base} × {ratio} = {raw}，年度限额内支付{paid}",
        "{category}: outpatient assistance {ratio} of {base} = {raw}, {paid} within the yearly limit",
    ),
    "assistance.routine": (
        "{category:category}：常规救助{regular}（起付标准：本年{deductible_year}中的{deductible}，年度限额内）",
        "{category}: routine assistance {regular} (deductible {deductible} of the year's {deductible_year}, yearly limit)",
    ),
    "assistance.tilt_above_line": (
        "倾斜救助{tilt}（年度个人自付超过监测线的部分）",
        "tilt assistance {tilt} on the year's self-pay above the monitoring line",
    ),
    # --- second layers: civil-servant, large-amount, supplementary, major illness -------------
    "second.outpatient_share": (
        "{layer:layer}（门诊统筹）：{ratio} × 剩余{left} = {raw}，年度门诊限额内支付{paid}",
        "{layer} on outpatient pooling: {ratio} × the {left} left = {raw}, {paid} within the yearly outpatient limit",
    ),
    "second.not_on_setting": ("{layer:layer}不支付{setting:setting}费用", "{layer} does not pay on {setting} claims"),
    "second.civil_servant": (
        "公务员医疗补助：{ratio} × 基本统筹支付后剩余的{left} = {raw}，年度限额内支付{paid}",
        "civil servant: {ratio} × the {left} the basic pool left = {raw}, {paid} within the yearly cap",
    ),
    "second.large_amount_cumulative": (
        "大额医疗补助（{kind:large_amount_kind}）：剩余{left}扣除起付标准{deductible}，按年度累计{before} → {after}分段计算："
        "{raw}，年度限额内支付{paid}",
        "large-amount ({kind}): what is left {left} less deductible {deductible}, tiers on the year's cumulative "
        "{before} → {after}: {raw}, {paid} within the yearly cap",
    ),
    "second.supplementary": (
        "补充医疗保险：基本统筹段内个人按比例负担部分（不含起付标准）{copay}分段计算：{paid}",
        "supplementary: co-pay within the basic stage, deductible excluded, {copay} in bands: {paid}",
    ),
    "second.large_amount_above_cap": (
        "大额医疗保险：超出基本统筹年度限额的{base} × {ratio}（个人负担比例{copay} × {factor}）= {raw}，年度限额内支付{paid}",
        "large-amount: {base} beyond the basic-pool cap × {ratio} (co-pay {copay} × {factor}) = {raw}, "
        "{paid} within the yearly cap",
    ),
    "second.large_amount_programme": (
        "大额医疗保险（{row:programme_row}门诊，{column:person_kind}）：超出基本统筹年度限额的{base} × {ratio} = {raw}，"
        "年度限额内支付{paid}",
        "large-amount on {row} outpatient care ({column}): {base} beyond the basic-pool cap × {ratio} = {raw}, "
        "{paid} within the yearly cap",
    ),
    "second.low_income": ("低收入人群（{categories:category}）", "low-income ({categories})"),
    "second.temporary_remote": ("临时外出就医", "temporary remote care"),
    "second.no_cap": ("不设限额", "no cap"),
    "second.cap": ("限额{cap}", "cap {cap}"),
    "second.major_illness_notes": ("（{notes:comma}）", " ({notes:comma})"),
    "second.major_illness": (
        "大病保险{notes}：个人负担{this}使年度累计由{before}增至{after}，超过起付标准{threshold}：{raw}，支付{paid}（{cap}）",
        "major illness{notes}: co-pay {this} takes the year's cumulative from {before} to {after} over the threshold "
        "{threshold}: {raw}, {paid} paid ({cap})",
    ),
    # --- inpatient basic pool (住院 统筹基金) --------------------------------------------------
    "settle.age_kind": (
        "入院当日{on}年满{age}周岁（出生日期{born}）：按出生日期认定为{kind:person_kind}结算，无需认定（reading age_kinds）",
        "aged {age} on the admission day {on} (born {born}): settled as {kind} "
        "from the birth date, no certification needed (reading age_kinds)",
    ),
    "settle.retired": (
        "{retired_on}退休，{start}起享受退休人员待遇：{on}按退休人员结算",
        "retired on {retired_on}, retiree benefits from {start}: settled as retired on {on}",
    ),
    "settle.not_yet": ("尚未补足", "not yet"),
    "settle.retired_shortfall": (
        "{retired_on}退休，缴费年限补足后次月起方享受退休人员待遇（{start}）：{on}按在职人员结算",
        "retired on {retired_on}, retiree benefits only from the month after nothing is missing "
        "({start}): settled as in service on {on}",
    ),
    "settle.no_filing": (
        "{on}无有效的{filing:filing}备案：按其他临时外出就医结算",
        "no {filing} filing valid on {on}: settled as other temporary remote care",
    ),
    "settle.long_term_without_filing": (
        "{on}为{category:category}，无需备案，按异地长期居住人员结算（remote.long_term_without_filing_categories，{section}）",
        "a {category} on {on} is settled as a long-term remote resident without a filing "
        "(remote.long_term_without_filing_categories, {section})",
    ),
    "settle.non_designated_emergency": (
        "急诊入住非定点医院：（政策范围内费用{policy} − {deductible}）× {ratio} = {raw}，支付{paid}",
        "emergency admission to a non-designated hospital: (policy {policy} − {deductible}) × {ratio} = {raw}, "
        "{paid} paid",
    ),
    "settle.inpatient_capped": (
        "，以基本统筹年度限额剩余的{remaining}为限",
        ", limited to the {remaining} left of the basic-pool cap",
    ),
    "settle.where": ("（{location:location}）", " ({location})"),
    "settle.bands": ("分段比例", "bands"),
    "settle.inpatient": (
        "在{level:level}{where}住院，按{kind:person_kind}：（政策范围内费用{policy} − 起付标准{deductible}）× {ratio} = {raw}{capped}",
        "inpatient at {level}{where} as {kind}: (policy {policy} − deductible {deductible}) × {ratio} = {raw}{capped}",
    ),
    "deductible.exempt_conditions": ("{conditions:flag}不设起付标准", "no deductible for {conditions}"),
    "deductible.childbirth": ("分娩住院不设起付标准", "no deductible for a childbirth admission"),
    "deductible.remote_full": (
        "异地住院（本年第{ordinal}次）按所在档次全额计算起付标准：不享受多次住院减免或每年一次的免除，"
        "但计入此后本地住院的次数（readings.remote_admission_deductible）",
        "a remote admission (no. {ordinal} this year) pays the full deductible of its row: no repeat-admission "
        "reduction or once-a-year exemption, though it counts as an admission for later local stays "
        "(readings.remote_admission_deductible)",
    ),
    "deductible.cancer_once": ("恶性肿瘤：本年已支付过起付标准", "cancer: the deductible was already paid this year"),
    "deductible.transfer": (
        "同一疾病转院（前次{previous}）：只补差额",
        "transfer within one episode after {previous}: only the difference",
    ),
    "deductible.repeat": (
        "本年第{ordinal}次住院，起付标准按{share}计算",
        "admission no. {ordinal} this year pays {share} of the deductible",
    ),
    # --- programme payments inside the basic pool --------------------------------------------
    "payment.not_against_basic_pool_cap": (
        "不计入基本统筹年度限额（{setting:setting}不在其所列范围内）",
        "not counted against the basic-pool cap ({setting} is not in its list)",
    ),
    "payment.against_basic_pool_cap": (
        "计入基本统筹年度限额（该限额含门诊及住院等统筹基金支付）",
        "counted against the basic-pool cap, which covers outpatient and inpatient fund payments",
    ),
    "payment.item_limit": ("以该项目限额{limit}为限（限额支付）", "limited to the item's limit {limit} (限额支付)"),
    "payment.cap_limit": (
        "以{key:cap}限额（{cap}）剩余的{remaining}为限",
        "limited to the {remaining} left of {key} ({cap})",
    ),
    "payment.formula": (
        "{label}：（政策范围内费用{policy} − 起付标准{deductible}）× {ratio} = {raw}",
        "{label}: (policy {policy} − deductible {deductible}) × {ratio} = {raw}",
    ),
    "payment.no_second_layer": ("个人负担部分不进入二次报销", "the member's share goes to no second layer"),
    "label.two_diseases": ("两病用药（{row:two_diseases_row}）", "two-disease drugs ({row})"),
    "label.single_payment_drug": ("单行支付药品", "single-payment drug"),
    "label.chronic_disease": ("门诊慢特病 {condition:condition}", "chronic disease {condition}"),
    "label.chronic_by_kind": ("门诊慢特病（{kind:person_kind}）", "chronic disease as {kind}"),
    "label.special_disease": ("特殊疾病 {condition:condition}", "special disease {condition}"),
    "label.programme_listed": (
        "{programme:setting} {condition:condition}（列名病种）",
        "{programme} disease {condition} (listed)",
    ),
    "label.programme_at_level": (
        "{programme:setting} {condition:condition}（{level:level}）",
        "{programme} disease {condition} at {level}",
    ),
    "chronic.highest_cap_only": (
        "认定病种为{diseases:condition}：仅按最高限额病种（{highest:condition}）结算",
        "certified for {diseases}: settled under the highest cap only ({highest})",
    ),
    "chronic.no_deductible_no_cap": (
        "政策未规定门诊慢特病的起付标准和年度限额",
        "the seed states no deductible and no programme cap for the chronic benefit",
    ),
    "chronic.after_cutoff": (
        "门诊慢特病认定于{made}，在停止新增认定之后：不享受门诊慢特病待遇，按普通门诊统筹结算",
        "chronic certification made on {made}, after chronic certifications stopped: no chronic benefit; "
        "the care is settled as ordinary outpatient pooling",
    ),
    "special.deductible_already_paid": (
        "本年二级医院起付标准已在此前的特殊疾病费用中支付",
        "the year's level-2 deductible was already paid on an earlier special-disease claim",
    ),
    "special.no_deductible_no_cap": (
        "政策未规定特殊疾病的起付标准和年度限额",
        "the seed states no deductible and no programme cap for special diseases",
    ),
    "chronic_special.no_deductible_no_cap": (
        "政策未规定门诊慢特病的起付标准和年度限额",
        "the seed states no deductible and no programme cap for chronic and special diseases",
    ),
    "label.special_disease_unnamed": ("特殊疾病", "special disease"),
    # --- maternity (生育) --------------------------------------------------------------------
    "maternity.as_outpatient": (
        "生育门诊费用按门诊统筹政策支付（000 生育保险待遇 2 生育待遇 5）",
        "maternity outpatient costs are paid under the outpatient-pooling rules (000 生育保险待遇 2 生育待遇 5)",
    ),
    "label.maternity_item": ("生育医疗费用 {item:maternity_item}，据实支付", "maternity {item}, paid as incurred"),
    "label.prenatal": ("产前检查", "prenatal examinations"),
    "maternity.prenatal_cap_calendar_year": (
        "每孕次限额按自然年度计算（readings.prenatal_cap_period）",
        "the per-pregnancy cap is counted per calendar year (readings.prenatal_cap_period)",
    ),
    "maternity.since_event": ("{on}生育事件", "the maternity event of {on}"),
    "maternity.since_history_start": ("参保记录开始", "the start of the member's history"),
    "maternity.prenatal_cap_pregnancy": (
        "限额按{since}之后的本次孕期计算，跨自然年度（readings.prenatal_cap_period）",
        "the cap runs over the pregnancy after {since}, across calendar years (readings.prenatal_cap_period)",
    ),
    "label.assisted_reproduction": ("辅助生殖门诊，第{use}次", "assisted reproduction, use {use}"),
    "payment.no_deductible": ("不设起付标准", "no deductible (不设起付标准)"),
    # --- outpatient pooling (门诊统筹) and emergency (急诊) -------------------------------------
    "remote.student_outpatient": (
        "异地就医（{location:location}），大学生在一级及以上定点医疗机构：享受本市待遇，起付标准和限额与本地合并计算",
        "away from home ({location}) as a university student at a level-1-or-above designated facility: "
        "the city's own benefit, its deductible and cap shared with local care",
    ),
    "remote.long_term_outpatient": (
        "在长期居住备案地（{location:location}）：执行本市门诊统筹政策、起付标准和限额",
        "at the long-term filed place ({location}): the city's outpatient-pooling policy, deductible and cap",
    ),
    "remote.emergency_long_term": (
        "在长期居住备案地：执行本地急诊报销比例",
        "at the long-term filed place: the local emergency ratio",
    ),
    "remote.temporary_where": ("临时外出就医（{location:location}）", "temporary care away from home ({location})"),
    "remote.long_term_unfiled_where": (
        "长期居住地就医但就医当日无有效备案：按临时外出就医",
        "a long-term location without a valid filing on the service day: temporary care away from home",
    ),
    "remote.emergency_reduced": (
        "{where}：急诊报销比例降低{reduction}",
        "{where}: the emergency ratio less {reduction}",
    ),
    "label.emergency_outpatient": ("急诊门诊", "emergency outpatient care"),
    "emergency.not_against_outpatient_cap": ("不计入门诊统筹限额", "not counted against the outpatient-pooling cap"),
    "emergency.outpatient_cap_silent": (
        "规则未规定是否计入门诊统筹限额：急诊费用不计入",
        "the rule set is silent on the outpatient-pooling cap: emergency care is not counted in it",
    ),
    "label.outpatient_at_level": (
        "门诊统筹（{level:level}，{kind:person_kind}）",
        "outpatient pooling at {level} as {kind}",
    ),
    "label.with_family_doctor": ("{label}，家庭医生签约就诊", "{label} with a family-doctor visit"),
    "label.outpatient_as_kind": ("门诊统筹（{kind:person_kind}）", "outpatient pooling as {kind}"),
    "label.outpatient_pooling": ("门诊统筹", "outpatient pooling"),
    "label.outpatient_student": ("门诊统筹（大学生）", "outpatient pooling as a university student"),
    "label.outpatient_quarter": ("门诊统筹（{quarter:period}）", "outpatient pooling in {quarter}"),
    "label.at_village_clinic": ("{label}，村卫生室", "{label} at a village clinic"),
    "outpatient.deductible_already_paid": (
        "本年已支付的起付标准计入本级别的起付标准",
        "the year's deductible already paid counts towards this level's deductible",
    ),
    "outpatient.consultation_not_separated": (
        "单据未单列一般诊疗费（按其单独比例支付），全部政策范围内费用按门诊报销比例支付",
        "the claim does not separate the general consultation fee (一般诊疗费, paid at its own ratio), "
        "so the whole policy amount is paid at the outpatient ratio",
    ),
    # --- outpatient places (门诊统筹定点) --------------------------------------------------------
    "place.student_unchecked": (
        "大学生亦可在学校指定机构就医：不核验就医地点",
        "a university student may also use the university-designated institutions: the place is not checked",
    ),
    "place.chosen_clinic": (
        "在选定的门诊统筹定点机构{facility}（自{since}起）",
        "at the chosen clinic {facility} (from {since})",
    ),
    "place.the_chosen": ("选定的门诊统筹定点机构{facility}", "the chosen clinic {facility}"),
    "place.a_chosen": ("选定的门诊统筹定点机构", "a chosen clinic"),
    "place.no_facility_id": (
        "单据未注明医疗机构编号：视为在{where}就医（{level:level}）",
        "the claim names no facility_id: taken to be at {where} ({level})",
    ),
    "place.village_of_chosen": (
        "在{facility}，为选定乡镇卫生院{township}的村卫生室",
        "at {facility}, a village clinic of the chosen township {township}",
    ),
    "place.village_taken_of_chosen": (
        "在村卫生室{facility}，视为选定乡镇卫生院{township}所属（选定记录未列村卫生室）",
        "at the village clinic {facility}, taken to be of the chosen township {township} "
        "(the choice lists no village clinics)",
    ),
    "place.two_diseases_chosen": (
        "在参保人的门诊统筹定点机构{facility}",
        "at the member's outpatient-pooling clinic {facility}",
    ),
    "place.level2_or_below": ("在{level:level}医疗机构（二级及以下）", "at a {level} facility (level 2 or below)"),
    "settle.cross_year": (
        "{admitted_on}入院，{discharged_on}出院：参保状态和人员类别按入院当日认定；计入{year}年度（起付标准次数、年度限额、"
        "起付线），按出院当日的参数值结算",
        "admitted on {admitted_on}, discharged on {discharged_on}: coverage and person kind of the "
        "admission day; counted in {year} (deductible count, annual caps, thresholds) under "
        "the parameter values of the discharge day",
    ),
}
