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
    "list.concat": ("{parts:concat}", "{parts:concat}"),
    # --- claim deadlines (报销截止时间) ------------------------------------------------------
    "deadline.source.applied_on": ("申请日期", "applied_on"),
    "deadline.source.recorded": ("登记日期", "the recorded day"),
    "deadline.next_year_month": (
        "须于{month}月底前申请（出院次年）",
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
        "{category:category}因严重精神障碍住院：{paid}（全额救助）",
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
        "在{level:level}医疗机构住院{where}，按{kind:person_kind}：（政策范围内费用{policy} − 起付标准{deductible}）× {ratio} = {raw}{capped}",
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
    # --- status (待遇状态) -----------------------------------------------------------------------
    "status.no_spell": (
        "{as_of}不在任何参保期间内：最近一次于{ended}结束（已缴费月份及欠费宽限期）",
        "no coverage spell includes {as_of}: the last ended {ended} (paid months and the arrears grace)",
    ),
    "status.in_arrears": (
        "职工医保自{paid_until}起未缴费且无停保记录：欠费，自{ended}起暂停待遇；欠费期间的医疗费用由用人单位负担，"
        "补缴后按欠费规定恢复待遇（000 待遇起始时间 2；002 ch.2 二十三问）",
        "employee contributions unpaid since {paid_until} and no CoverageEnded: in arrears (欠费), "
        "benefits suspended (暂停) since {ended}; care in arrears is the employer's cost, and back-pay "
        "restores benefits as the arrears rules say (000 待遇起始时间 2; 002 ch.2 二十三问)",
    ),
    "status.retractions": (
        "截至{known_at}已撤销{count}条事件：自各撤销记录时间起，任何查询日期均不计入（reading retraction_time，rules-digest §8）；"
        "已记录的结算决定保持原样，与按更正后事实重算的结果并列显示",
        "{count} event(s) retracted as known at {known_at}: left out for every "
        "as_of from each retraction's recorded time on (reading retraction_time, rules-digest §8); recorded "
        "decisions stay as made, beside the figures recomputed on the corrected facts",
    ),
    "status.move": (
        "{on} {source:region} → {target:region}（{scheme:scheme}）",
        "{source} → {target} ({scheme}) on {on}",
    ),
    "status.moved": (
        "医保关系转移接续：{moves}。自转移之日起适用转入地的统筹区和政策；医保关系和个人账户随同转移，缴费年限累计计算（002 ch.2 二十一问）",
        "moved between regions: {moves}. From a transfer date the destination's region and rules apply; "
        "the relation and the personal account move, contribution years add up (002 ch.2 二十一问)",
    ),
    "status.maternity_months": (
        "截至{month}连续缴费{months}个月（补缴不计入）；享受生育津贴需{required}个月",
        "{months} consecutive paid month(s) up to {month} (back-payments not counted); {required} needed for the allowance",
    ),
    "status.in_spell": (
        "处于{scheme:scheme}参保期间，自{covered_from}起{until}",
        "in the {scheme} coverage spell from {covered_from}{until}",
    ),
    "status.spell_until": (
        "，缴费至{paid_until}，参保至{covered_until}（含欠费宽限期）",
        ", paid until {paid_until}, covered until {covered_until} (arrears grace included)",
    ),
    "status.spell_open": ("（持续有效）", " (open-ended)"),
    "status.waiting": (
        "待遇等待期（{reason:waiting_reason}）自{counted_from}至{until}：共{months}个月，{as_of}{state}",
        "waiting ({reason}) from {counted_from} until {until}: {months} month(s), {state} on {as_of}",
    ),
    "status.waiting_running": ("仍在等待期内", "running"),
    "status.waiting_over": ("已届满", "over"),
    "status.suspended": (
        "{as_of}在参保期间内暂停待遇{resumes}",
        "benefits suspended on {as_of} within the spell{resumes}",
    ),
    "status.resumes": ("；自{on}起恢复", "; they resume on {on}"),
    "status.not_restored": ("；尚无缴费可恢复待遇", "; nothing paid yet restores them"),
    "status.continuity": (
        "截至{year}年连续参保{years}年（两险种合并计算，自起算年度起：大病保险激励和待遇等待期所计的年度）；"
        "自起算年度至{year}年前断保{gaps}年",
        "{years} consecutive covered year(s) up to {year} (either scheme, from the counting "
        "start: the years the major-illness incentives and waits count); {gaps} gap year(s) "
        "before {year} since the counting start",
    ),
    "status.employee_run": (
        "职工医保连续缴费{months}个月{since}{last}；职工的连续参保年数按本段连续缴费的整年计算",
        "{months} continuous employee contribution month(s){since}{last}; "
        "consecutive_years of an employee counts the full years of this run",
    ),
    "status.run_since": ("，自{month}起", " since {month}"),
    "status.run_last": ("，最近缴费月份{month}", ", the last paid {month}"),
    "status.cap_basic_pool": (
        "{year}年度基本统筹限额，扣除已结算费用的基金支付",
        "basic-pool cap for {year}, less fund payments of settled claims",
    ),
    "status.cap_layer": ("{year}年度{layer:layer}限额", "{layer} cap for {year}"),
    "status.cap_programme": (
        "{year}年度{key:cap}限额（按已结算费用记录）",
        "{key} cap for {year} as its claims were settled",
    ),
    # --- coverage periods: when benefits start (待遇享受起始) --------------------------------------
    "period.ended": ("{on}停保（{reason:coverage_end_reason}）", "coverage ended on {on} ({reason})"),
    "period.wait_runs_on": ("{why}，至{until}", "{why}, until {until}"),
    "period.older_history": (
        "（{first}前的历史，即规则库中这些规则的最早日期之前：按其最早数值计算）",
        " (history before {first}, the rulebook's first date for these rules: read under its earliest values)",
    ),
    "period.wait_begun_runs_on": ("自{since}起的待遇等待期继续计算", "the waiting period begun on {since} runs on"),
    "period.month_before_waiting": (
        "上月处于自{since}起的待遇等待期内",
        "the month before is in the waiting period begun on {since}",
    ),
    "period.transfer_short_gap": (
        "{gap}：自缴费当月起享受待遇，{start}",
        "{gap}: benefits from the payment month, {start}",
    ),
    "period.transfer_long_gap": (
        "{gap}：待遇等待期{months}个月，自{start}起",
        "{gap}: waiting {months} months, from {start}",
    ),
    "period.moved_from": ("{on}自{region:region}转入", "moved from {region} on {on}"),
    "period.moved_gap": ("{moved}，中断缴费{months}个月", "{moved}, {months} month(s) paid in no region"),
    "period.moved_month_after": (
        "{moved}，{paid_on}缴费：自次月起享受待遇，{start}",
        "{moved}, contribution paid {paid_on}: benefits from the month after (次月), {start}",
    ),
    "period.transferred_in": (
        "{start}至{end}为转入缴费：计入连续缴费，不享受本地待遇",
        "{start}–{end} transferred in: counted for continuity, no local benefits",
    ),
    "period.paid_by_due_date": (
        "{month}的缴费于{paid_on}按期缴纳：待遇自{start}起连续享受（次月享受仅适用于开始缴费时）",
        "contribution for {month} paid {paid_on}, by its due date: "
        "benefits continue from {start} (the 次月 wait is only at the start of payment)",
    ),
    "period.first_contribution_same_day": (
        "在本统筹区首次缴费，{paid_on}到账：自当日起享受待遇",
        "first contribution in the region, arrived {paid_on}: benefits from that day",
    ),
    "period.month_after": (
        "{paid_on}缴费：自次月起享受待遇，{start}",
        "contribution paid {paid_on}: benefits from the month after (次月), {start}",
    ),
    "period.switched_from_resident": (
        "由城乡居民医保转为职工医保，连续参保{years}年，中断{gap}个月：自缴费之日起享受待遇，{start}",
        "switched from the resident scheme after {years} continuous year(s) with a {gap}-month gap: "
        "benefits from the payment, {start}",
    ),
    "period.first_enrollment": (
        "首次参保，{paid_on}缴费：{months}个月后享受待遇，自{start}起",
        "first enrollment, paid {paid_on}: benefits {months} months later, from {start}",
    ),
    "period.transferred_in_gap": ("转入后中断{months}个月", "transferred in with a {months}-month gap"),
    "period.back_pay_retroactive": (
        "{paid_on}缴费，距所缴首月{months}个月（≤ {most}）：所缴各月均享受待遇",
        "paid {paid_on}, {months} month(s) after the first month it covers (≤ {most}): benefits for every month paid",
    ),
    "period.arrears_not_retroactive": (
        "欠费{months}个月后补缴：自补缴之日{start}起享受待遇，不予追溯",
        "arrears paid {months} months late: benefits from the payment day {start}, not retroactive",
    ),
    "period.arrears_wait": (
        "欠费{months}个月后补缴：待遇等待期{wait}个月，自{start}起",
        "arrears paid {months} months late: waiting {wait} months, from {start}",
    ),
    "period.moved_to": (
        "{on}转往{target:region}：{source:region}的参保关系终止",
        "moved to {target} on {on}: {source}'s coverage ends",
    ),
    "period.payments_in_spell": ("同一参保期间内缴费{count}笔", "{count} payments in one spell"),
    "period.wait_begun_year_runs_on": (
        "自{year}年起的待遇等待期继续计算",
        "the waiting period begun in {year} runs on",
    ),
    "period.covered_year_before": ("{year}年已参保", "covered in {year}"),
    "period.before_counting_start": (
        "{year}年早于起算年度{start_year}",
        "{year} is before the counting start {start_year}",
    ),
    "period.paid_in_window": (
        "{paid_on}缴费，在集中参保期截止日{window_end}前：自{start}起享受待遇",
        "paid on {paid_on}, by the end of the central window {window_end}: benefits from {start}",
    ),
    "period.gap_years": (
        "{year}年前连续断保{gaps}年（{first}–{last}）",
        "{gaps} gap year(s) right before {year} ({first}–{last})",
    ),
    "period.switch_refused": (
        "由职工医保转入，连续缴费不足{years}年或中断超过{months}个月：算作断保人员",
        "switched from the employee scheme without {years} continuous years or within {months} months: "
        "counted as a gap member (算作断保人员)",
    ),
    "period.not_covered_year_before": ("{year}年未参保", "not covered in {year}"),
    "period.after_window": (
        "{paid_on}缴费，晚于集中参保期截止日{window_end}",
        "paid on {paid_on}, after the central window ending {window_end}",
    ),
    "period.resident_wait": (
        "{cause}：待遇等待期 = 固定{fixed} + 变动{variable} − 补缴修复{repaired} = {total}个月，自{counted_from}起计算，{start}起享受待遇",
        "{cause}: waiting {fixed} fixed + {variable} variable − {repaired} repaired "
        "= {total} month(s) from {counted_from}, benefits from {start}",
    ),
    "period.newborn_in_time": (
        "新生儿于{paid_on}缴费，在{deadline}前：自出生之日（{birth_on}）起享受待遇",
        "newborn paid on {paid_on}, by {deadline}: covered from birth ({birth_on})",
    ),
    "period.newborn_late": (
        "新生儿于{paid_on}缴费，晚于{deadline}：自{start}起享受待遇",
        "newborn paid on {paid_on}, after {deadline}: benefits from {start}",
    ),
    "period.low_income": (
        "自{since}起认定为{category:category}：自{start}起享受待遇（认定次月1日起，不早于1月1日）",
        "certified {category} from {since}: benefits from {start} (the 1st of the next month, not before Jan 1)",
    ),
    "period.switched_from_employee": (
        "由职工医保转入，连续缴费{months}个月，中断{gap}个月：不设待遇等待期，自{start}起享受待遇",
        "switched from the employee scheme after {months} continuous month(s) with a {gap}-month gap: "
        "no waiting period, benefits from {start}",
    ),
    "period.switched_from_employee_wait": (
        "由职工医保转入，中断{gap}个月：待遇等待期{wait}个月",
        "switched from the employee scheme with a {gap}-month gap: waiting {wait} months",
    ),
    "period.released_enrolled": (
        "自{since}起认定为{category:category}，并于当年{paid_on}参保：自缴费之日起享受待遇，不设待遇等待期",
        "certified {category} from {since} and enrolled in that year on {paid_on}: "
        "benefits from the payment day, no waiting period",
    ),
    "period.to": ("至{on}", " to {on}"),
    "period.certified_retired": (
        "自{retired_on}起认定为退休人员，无退休事件：以认定为退休事实；自当日起{until}不缴费继续享受待遇"
        "（reading retiree_without_contributions）",
        "certified retired from {retired_on}, no RetirementReached: the certification is the retirement "
        "fact; covered without paying from that day{until} (reading retiree_without_contributions)",
    ),
    "period.retired_years_met": (
        "{retired_on}退休，缴费年限已满：自当日起不再缴费，继续享受待遇（reading retiree_without_contributions）",
        "retired {retired_on} with the contribution years met: covered without paying from that day "
        "(reading retiree_without_contributions)",
    ),
    "period.retired_short": (
        "{retired_on}退休时缴费年限差{months}个月；{completed_on}补足：自{start}起不再缴费，继续享受待遇"
        "（reading retiree_without_contributions）",
        "retired {retired_on} {months} month(s) short; years complete on "
        "{completed_on}: covered without paying from {start} (reading retiree_without_contributions)",
    ),
    # --- contribution years (缴费年限) --------------------------------------------------------
    "years.shortfall_payment": (
        "缺缴{months}个月 × 月缴费基数{base} × {rate} = 应缴{due}；实缴{paid}：{outcome}",
        "{months} missing month(s) × monthly reference base {base} × {rate} = {due} due; paid {paid}: {outcome}",
    ),
    "years.shortfall_accepted": ("已受理，计入缴费年限", "accepted, the months count"),
    "years.shortfall_refused": (
        "不予受理，低于应缴金额：不计入缴费年限",
        "refused, less than due: the months do not count",
    ),
    "years.not_credited": ("不划入个人账户", "not credited to the personal account"),
    "years.no_actual_minimum": (
        "{first_on}前退休的不设最低实际缴费年限",
        "no minimum of actual years for a retirement before {first_on}",
    ),
    "years.count": (
        "累计缴费年限{total}年：在{region:region}缴费{local}个月，外地缴费或转入{outside}个月，视同缴费{deemed}个月，"
        "退休时一次性补缴{settled}个月；实际（本地）缴费年限{actual}年",
        "{total} year(s) in all: {local} month(s) paid in {region}, "
        "{outside} paid elsewhere or transferred in, {deemed} deemed, "
        "{settled} bought at retirement; {actual} count as actual / local years",
    ),
    "years.sex_unknown": (
        "参保人性别未知（无参保登记事件），无法确定最低缴费年限",
        "the member's sex is unknown (no MemberRegistered), so the minimum cannot be read",
    ),
    "years.certified_retired": (
        "自{since}起认定为退休人员（无退休事件）：以认定为退休事实，自当日起享受退休人员待遇（reading retiree_without_contributions）",
        "certified retired from {since} (no RetirementReached): the certification is the "
        "retirement fact, retiree benefits from that day (reading retiree_without_contributions)",
    ),
    "years.minimum_if_retiring": (
        "如于{as_of}退休：缺缴{months}个月",
        "minimum if retiring on {as_of}: shortfall {months} month(s)",
    ),
    "years.retired_short_completed": (
        "{retired_on}退休时缴费年限差{months}个月；{completed}补足：自{start}起享受退休人员待遇",
        "retired {retired_on} with a shortfall of {months} month(s); minimum met on {completed}: "
        "retiree benefits from {start}",
    ),
    "years.retired_short_missing": (
        "{retired_on}退休时缴费年限差{months}个月，截至{as_of}仍差{missing}个月：按月缴费期间享受在职人员待遇，或一次性补缴",
        "retired {retired_on} with a shortfall of {months} month(s), "
        "{missing} still missing on {as_of}: in-service benefits while paying monthly, or a one-off payment",
    ),
    # --- resident contributions (个人缴费) -----------------------------------------------------
    "contribution.after_mid_year": (
        "{paid_on}缴费，晚于年中参保截止日{last_day}：{year}年度不予参保",
        "paid on {paid_on}, after the mid-year enrollment deadline {last_day}: no coverage for {year}",
    ),
    "contribution.priced_year": ("按{year}年度缴费标准", "the {year} standard"),
    "contribution.priced_repair": (
        "补缴，按缴费当年（{year}）标准",
        "a repair, priced at the payment year's ({year}) standard",
    ),
    "contribution.priced_student_prepaid": (
        "学生于{paid_on}预缴：按{year}年度标准（此后标准提高不再补缴，002 ch.1 十八）",
        "a student's prepayment on {paid_on}: the standard of {year} (a later rise is not owed, 002 ch.1 十八)",
    ),
    "contribution.exempt": ("认定为{category:category}：个人免缴", "certified {category}: no personal contribution"),
    "contribution.cell": ("{row:person_kind}，{column:category}：{amount}", "{row}, {column}: {amount}"),
    "contribution.paid": (
        "{year}年度缴费{amount}，{priced}（{label}）",
        "{amount} paid for {year}, {priced} ({label})",
    ),
    "contribution.underpaid": ("{head}：少缴{difference}", "{head}: underpaid by {difference}"),
    "contribution.difference_owed": (
        "该年度仍予参保，差额应补缴（政策未作规定）",
        "the year stays covered and the difference is owed (the seeds are silent)",
    ),
    "contribution.overpaid": ("{head}：多缴{difference}", "{head}: overpaid by {difference}"),
    "contribution.duplicate_refunded": (
        "重复参保于{ended_on}终止，早于待遇期开始（{benefits_from}）：退还个人缴费{amount}（002 ch.1 二十三）",
        "duplicate enrollment ended on {ended_on}, before the benefit period began ({benefits_from}): "
        "the personal contribution {amount} is refunded (002 ch.1 二十三)",
    ),
    "contribution.duplicate_not_refunded": (
        "重复参保于{ended_on}终止，晚于待遇期开始（{benefits_from}）：原则上个人缴费不再退回（002 ch.1 二十三）",
        "duplicate enrollment ended on {ended_on}, after the benefit period began ({benefits_from}): "
        "no refund (原则上个人缴费不再退回, 002 ch.1 二十三)",
    ),
    # --- major-illness cap (大病保险 年度最高支付限额) ----------------------------------------------
    "major_illness.cap": (
        "{year}年：基础限额{base}元；{year}年前连续参保{run}年 → 连续参保激励 +{continuity}元；零报销激励 +{zero}元{kept}；"
        "自{start_year}年起断保{gaps}年 → 断保扣减 −{penalty}元；激励合计不超过基础限额的{share}",
        "{year}: base {base} yuan; {run} continuous year(s) before {year} "
        "→ continuity +{continuity}; zero-claim +{zero}{kept}; "
        "{gaps} gap year(s) since {start_year} → −{penalty}; raises at most {share} of the base",
    ),
    "major_illness.zero_claim_kept": (
        "（断保年度不清零：reading zero_claim_reset_on_gap）",
        " (kept over gap years: reading zero_claim_reset_on_gap)",
    ),
    "major_illness.uncapped": ("认定人员类别不设大病保险限额", "certified category with no major-illness cap"),
    # --- maternity allowance (生育津贴) ----------------------------------------------------------
    "allowance.no_rule_set": ("参保人所在统筹区无职工医保规则集", "no employee rule set for the member's region"),
    "allowance.retired": (
        "{retired_on}退休：退休人员不享受生育津贴",
        "retired on {retired_on}: retirees get no maternity allowance",
    ),
    "allowance.as_employee": (
        "以{insured_as:insured_as}身份参保：按职工条件享受",
        "insured as {insured_as}: qualifies on the employees' conditions",
    ),
    "allowance.months_short": (
        "生育时连续缴费{months}个月（补缴不计入），需{needed}个月",
        "{months} consecutive paid month(s) at the event (back-payments not counted), {needed} needed",
    ),
    "allowance.event_month_unpaid": (
        "{month}未缴费：享受生育津贴须生育时处于参保状态",
        "{month} is not paid: the allowance needs the member insured at the event",
    ),
    "allowance.no_minimum": (
        "规则未规定职工的最低缴费月数：生育时参保即可",
        "the rule set names no minimum months for employees: insured at the event suffices",
    ),
    "allowance.not_for_insured_as": (
        "规则未对以{insured_as:insured_as}身份参保的人员规定生育津贴",
        "the rule set gives no maternity allowance to members insured as {insured_as}",
    ),
    "allowance.maternity_months": (
        "生育时连续缴纳生育保险{months}个月",
        "{months} consecutive maternity month(s) at the event",
    ),
    "allowance.basic_months": ("（基本医疗保险{months}个月）", " ({months} basic-insurance month(s))"),
    "allowance.maternity_months_short": (
        "生育时连续缴纳生育保险{months}个月，需{needed}个月{basic}",
        "{months} consecutive maternity month(s) at the event, {needed} needed{basic}",
    ),
    "allowance.deferred_reached": (
        "生育时连续缴纳基本医疗保险{basic}个月；生育保险缴费于{month}满{needed}个月：自{payable_from}起发放",
        "{basic} consecutive basic-insurance months at the event; maternity months reached {needed} in "
        "{month}: payable from {payable_from}",
    ),
    "allowance.deferred_pending": (
        "生育时连续缴纳基本医疗保险{basic}个月；生育保险缴费满{needed}个月（缴至{month}）后，自{payable_from}起发放",
        "{basic} consecutive basic-insurance months at the event; payable once maternity months reach "
        "{needed} ({month} paid), from {payable_from}",
    ),
    "allowance.no_days": ("规则未规定生育津贴天数", "the rule set prints no allowance days"),
    "allowance.no_out_of_plan_days": (
        "政策外生育：规则未规定政策外生育的津贴天数",
        "out of plan: the rule set prints no out-of-plan days",
    ),
    "allowance.out_of_plan_before": (
        "政策外生育，生育日期早于{since}：不享受生育津贴",
        "out of plan, born before {since}: no allowance",
    ),
    "allowance.nursing_leave_from": (
        "男职工护理假津贴适用于{since}起的生育",
        "the father's nursing-leave allowance applies to births from {since}",
    ),
    "allowance.no_days_for": (
        "规则未规定{row:allowance_row}的津贴天数",
        "the rule set prints no allowance days for {row}",
    ),
    "allowance.extra_babies": ("（多胞胎增加{count}个婴儿）", " ({count} extra bab(ies))"),
    "allowance.days": ("{row:allowance_row}：{days}天{extra}", "{row}: {days} day(s){extra}"),
    "allowance.no_base": (
        "规则未规定{insured_as:insured_as}的津贴计发基数",
        "the rule set names no allowance base for {insured_as}",
    ),
    "allowance.employer_wage": ("用人单位上年度职工月平均工资", "the employer's prior-year average monthly wage"),
    "allowance.member_base": ("本人上年度月平均缴费基数", "the member's prior-year average monthly contribution base"),
    "allowance.base_missing": (
        "生育津贴需{what}，台账中暂无此数据",
        "the allowance needs {what}, which the ledger does not have",
    ),
    "allowance.amount": (
        "{what}{base} ÷ {divisor} × {days}天 = {gross}",
        "{what} {base} ÷ {divisor} × {days} day(s) = {gross}",
    ),
    "allowance.less_unemployment": ("扣除失业保险金{amount}", "less unemployment benefit {amount}"),
    "allowance.leave_unpaid": ("产假期间未缴费的月份：{months}", "months of the leave not paid: {months}"),
    "allowance.instalments_withheld": (
        "{months}未继续缴费：相应月份的津贴暂停发放",
        "payment not continued in {months}: those instalments are withheld",
    ),
    # --- personal account (个人账户) -----------------------------------------------------------
    "account.no_base_for": ("{months}未申报缴费基数", "no contribution base declared for {months}"),
    "account.nothing_accrued": (
        "缴费{event_id}（{start}–{end}）：未划入",
        "payment {event_id} ({start}–{end}): nothing accrued",
    ),
    "account.on_payment_day": ("于缴费当日划入", "on the payment day"),
    "account.on_first_day": ("于当月1日划入（预缴）", "on the month's first day (paid ahead)"),
    "account.accrual": (
        "{span}于{paid_on}缴费：{rate} × 月缴费基数（{bases}），{when}",
        "{span} paid {paid_on}: {rate} × the monthly contribution base ({bases}), credited {when}",
    ),
    "account.retiree_monthly": (
        "{month}退休人员划入：统筹基金每月划入{amount}",
        "retiree credit for {month}: {amount} a month from the pooling fund",
    ),
    "account.retiree_rate": (
        "{month}退休人员划入：{rate} × 申报的2022年月平均基本养老金{pension}",
        "retiree credit for {month}: {rate} × the declared 2022 average pension {pension}",
    ),
    "account.retiree_premium": (
        "{month}退休人员大额补助保险费：每月从个人账户扣缴{amount}",
        "retiree large-amount premium for {month}: {amount} a month from the "
        "personal account (大额补助保险费 每月从个人账户扣缴)",
    ),
    "account.no_pension": (
        "退休人员{months}未申报2022年月平均基本养老金：未划入",
        "no 2022 average pension declared for retiree months {months}: nothing credited",
    ),
    "account.no_bases": (
        "在{region:region}缴费{count}笔：未划入，未申报缴费基数（ContributionBaseDeclared）",
        "{count} payment(s) in {region}: nothing accrued, no contribution base declared (ContributionBaseDeclared)",
    ),
    "account.route": ("{source:region} → {target:region}", "{source} → {target}"),
    "account.premium_refused": ("{step}：余额{balance}不足", "{step}: balance {balance} too low"),
    "account.interest": ("{year}年利息：{rate} × 年末余额", "interest for {year}: {rate} × the year-end balance"),
    "account.computed_balance": ("按台账计算的余额", "the computed balance"),
    "account.stated_amount": ("转移记录所载金额", "the amount the transfer states"),
    "account.moved_out": ("转出（{route}）：余额随同转出", "moved out ({route}): the balance leaves"),
    "account.moved_in": ("转入（{route}）：转入{stated}", "moved in ({route}): {stated} arrives"),
    "account.payout_reason_refused": (
        "规则未规定因{reason:payout_reason}一次性支取",
        "a payout on {reason} is not in the rule set",
    ),
    "account.payout": (
        "一次性支取全部余额{amount}（{reason:payout_reason}）；账户注销",
        "one-off payout of the whole balance {amount} ({reason}); the account is closed",
    ),
    "account.purpose_refused": (
        "本规则集个人账户不支付{purpose:movement}",
        "the account does not pay for {purpose} in this rule set",
    ),
    "account.spent": ("个人账户用于{purpose:movement}", "paid from the account for {purpose}"),
    "account.spent_on_claim": (
        "个人账户用于{purpose:movement}（单据{claim_id}，个人负担{share}）",
        "paid from the account for {purpose} (claim {claim_id}, member share {share})",
    ),
    "account.claim_not_settled": (
        "单据{claim_id}不是该参保人已结算的单据",
        "claim {claim_id} is not a settled claim of the member",
    ),
    "account.more_than_share": (
        "超过单据{claim_id}尚未由个人账户支付的个人负担部分（{left}）",
        "more than the member's share of claim {claim_id} still unpaid from the account ({left})",
    ),
    "account.share_needs_claim": ("支付个人负担须注明单据编号", "a settlement share names its claim_id"),
    "account.closed": ("账户已一次性支取并注销", "the account was paid out and closed"),
    "account.balance_too_low": ("余额{balance}不足支付", "balance {balance} is less than the amount"),
    "account.not_bound": ("{relative}在{on}未绑定为近亲属", "{relative} is not bound as a close relative on {on}"),
    "account.not_close_relative": (
        "本规则集中{relationship:relationship}不属于近亲属",
        "{relationship} is not a close relative (近亲属) in this rule set",
    ),
    "account.aid_purpose_refused": (
        "本规则集家庭共济不支付{purpose:aid_purpose}",
        "family aid for {purpose} is not in this rule set",
    ),
    "account.province_only": ("无：仅限省内", "none: within the province only"),
    "account.channel_refused": (
        "通过{channel:channel}渠道向省外近亲属共济（允许：{allowed:channel}）",
        "a relative in another province through the {channel} channel (allowed: {allowed})",
    ),
    "account.other_province": ("省外", "in another province"),
    "account.same_province": ("省内", "in the province"),
    "account.family_aid": (
        "家庭共济给{relative}（{relationship:relationship}，{where}），用于{purpose:aid_purpose}，通过{channel:channel}渠道",
        "family mutual aid to {relative} ({relationship}, {where}) for {purpose} through the {channel}",
    ),
    # --- why a claim is rejected (不予支付) -------------------------------------------------------
    "reason.not_covered": ("入院当日{admitted_on}不在参保期内", "not covered on the admission day {admitted_on}"),
    "reason.beyond_rule_book": ("无法计算：{text}", "cannot be computed: {text}"),
    "reason.waiting": (
        "{admitted_on}入院，处于待遇等待期（{reason:waiting_reason}），等待期至{ends}结束",
        "admitted on {admitted_on}, in a waiting period ({reason}) ending {ends}",
    ),
    "reason.suspended": (
        "{admitted_on}待遇暂停（欠费）：{basis}",
        "benefits suspended on {admitted_on} (arrears): {basis}",
    ),
    "reason.no_benefits": (
        "入院当日{admitted_on}不享受待遇：{basis}",
        "no benefits on the admission day {admitted_on}: {basis}",
    ),
    "reason.no_rules_on_date": ("费用发生日期无有效政策规则：{error}", "no rules in force on the claim date: {error}"),
    "reason.reversed": ("{on}冲销：{reason}", "reversed on {on}: {reason}"),
    "reason.not_covered_beyond": (
        "入院当日{admitted_on}不在参保期内；{missing}",
        "not covered on the admission day {admitted_on}; {missing}",
    ),
    "reason.partial_named": ("（{edition}）", " ({edition})"),
    "reason.partial_only_remote_inpatient": (
        "{missing}；部分规则集仅结算其所规定的异地住院{named}",
        "{missing}; only remote inpatient stays are settled where a partial rule set describes them{named}",
    ),
    "reason.no_certified_condition": (
        "{on}无有效的{programme:setting}病种{condition:condition}认定；不予支付",
        "no certified {programme} condition {condition} valid on {on}; nothing paid",
    ),
    "reason.no_certification": (
        "{on}无有效的{programme:setting}认定；不予支付",
        "no certified {programme} condition valid on {on}; nothing paid",
    ),
    "reason.programme_not_remote": (
        "异地{setting:setting}（{location:location}）：政策未规定本台账可结算的异地待遇；不予支付",
        "remote {setting} care ({location}): the seeds give no remote rule for this "
        "programme that the ledger settles yet; nothing paid",
    ),
    "reason.who_student": ("大学生", "a university student's"),
    "reason.who_long_term": ("异地长期居住备案人员", "long-term filed"),
    "reason.remote_outpatient_level": (
        "{who}异地门诊统筹仅在{levels:level}医疗机构支付（{name}，{section}）；{level:level}不在其列；不予支付",
        "{who} outpatient pooling away from home is paid only at facility levels {levels} "
        "({name}, {section}); {level} is not one; nothing paid",
    ),
    "reason.temporary_no_outpatient": (
        "临时外出就医（{location:location}）不享受门诊统筹待遇（remote.temporary_outpatient_pooling，{section}）；不予支付",
        "temporary remote care ({location}) has no outpatient-pooling benefit "
        "(remote.temporary_outpatient_pooling, {section}); nothing paid",
    ),
    "reason.no_long_term_filing_outpatient": (
        "{on}无有效的异地长期居住备案：临时外出就医不享受门诊统筹待遇；不予支付",
        "no long_term filing valid on {on}: temporary remote care has no outpatient-pooling benefit; nothing paid",
    ),
    "reason.remote_outpatient_only_filed": (
        "异地门诊统筹（{location:location}）：{edition}仅在长期居住备案地（或大学生）支付；不予支付",
        "remote outpatient pooling ({location}): {edition} pays it only at the long-term filed place "
        "(or for university students); nothing paid",
    ),
    "reason.no_remote_emergency_rule": (
        "异地急诊门诊（{location:location}）：{edition}未规定异地急诊政策；不予支付",
        "remote emergency outpatient care ({location}): {edition} has no remote emergency rule; nothing paid",
    ),
    "reason.not_chosen_level": (
        "门诊统筹仅在选定的社区卫生服务中心、乡镇卫生院或其村卫生室支付（outpatient_pooling.chosen_clinic_levels：{levels:level}；"
        "{section}：非选定…不享受门诊统筹待遇）；{level:level}医疗机构不在其列；不予支付",
        "outpatient pooling is paid only at the chosen community or township clinic or its village clinics "
        "(outpatient_pooling.chosen_clinic_levels: {levels}; {section}: 非选定…不享受门诊统筹待遇); "
        "a {level} facility is not one; nothing paid",
    ),
    "reason.no_clinic_chosen": (
        "截至{on}未选定门诊统筹定点医疗机构：{facility}不是选定机构（{section}：非选定的门诊统筹定点医疗机构门诊就医，不享受门诊统筹待遇）；不予支付",
        "no outpatient-pooling clinic chosen by {on}: {facility} is not a chosen clinic "
        "({section}: 非选定的门诊统筹定点医疗机构门诊就医,不享受门诊统筹待遇); nothing paid",
    ),
    "reason.or_village_clinics": ("或其村卫生室（{clinics}）", " or one of its village clinics ({clinics})"),
    "reason.not_the_chosen_clinic": (
        "{facility}不是选定的门诊统筹定点医疗机构{chosen}{tied}（自{since}起选定；{section}：非选定…不享受门诊统筹待遇）；不予支付",
        "{facility} is not the chosen outpatient-pooling clinic {chosen}{tied} "
        "(chosen from {since}; {section}: 非选定…不享受门诊统筹待遇); nothing paid",
    ),
    "reason.facility_in_brackets": ("（{facility}）", " ({facility})"),
    "reason.two_diseases_place": (
        "两病用药仅在参保人的门诊统筹定点机构或二级及以下定点医疗机构支付（two_diseases.facility_levels：{levels:level}；{section}）；"
        "{level:level}医疗机构{at}均不符合；不予支付",
        "two-disease drugs are paid only at the member's outpatient-pooling clinic or a designated facility "
        "of level 2 or below (two_diseases.facility_levels: {levels}; {section}); a {level} facility{at} is neither; "
        "nothing paid",
    ),
    "reason.maternity_item_missing": (
        "生育费用单据须在condition中注明项目（如natural、prenatal_examination）",
        "a maternity claim must name its item in condition (e.g. natural, prenatal_examination)",
    ),
    "reason.prenatal_allowance": (
        "{item:maternity_item}：产前检查费为定额补助，凭申请发放，不按票据结算",
        "{item}: the prenatal allowance (产前检查费) is a fixed sum paid on application, not a bill",
    ),
    "reason.no_maternity_item": (
        "{edition}未规定按票据结算的生育项目{item:maternity_item}（配偶补助、生育津贴等定额凭申请发放）",
        "{edition} has no maternity item {item} settled from a bill "
        "(fixed sums such as the spouse subsidy and the allowance are paid on application)",
    ),
    "reason.add_on_item": (
        "{item:maternity_item}为其他项目的加付；单据无法说明胎数或分娩方式",
        "{item} adds to another item; the claim cannot say how many babies or which birth",
    ),
    "reason.not_a_maternity_item": (
        "{item:maternity_item}不是{edition}的生育项目（maternity.medical_cap）",
        "{item} is not a maternity item of {edition} (maternity.medical_cap)",
    ),
    "reason.assisted_reproduction_used": (
        "辅助生殖已使用{used}次，达到上限（maternity.assisted_reproduction_uses_max = {most}）；不予支付",
        "assisted reproduction already used {used} times, the most allowed "
        "(maternity.assisted_reproduction_uses_max = {most}); nothing paid",
    ),
    "reason.no_two_diseases": (
        "{edition}政策中无两病门诊用药保障；不予支付",
        "{edition} has no two-disease (两病) programme in its seed; nothing paid",
    ),
    "reason.no_single_payment_drug": (
        "{edition}未规定单行支付药品政策；不予支付",
        "{edition} states no single-payment drug (单行支付药品) rule; nothing paid",
    ),
    "reason.chronic_certifications_stopped": (
        "无停止新增认定前的门诊慢特病认定（chronic.new_certifications_accepted，{section}）；门诊费用按普通门诊统筹政策报销",
        "no certified chronic condition from before new chronic certifications stopped "
        "(chronic.new_certifications_accepted, {section}); outpatient costs go through ordinary outpatient pooling",
    ),
    "reason.which_disease": (
        "单据未注明所治疗的{programme:setting}认定病种；不予支付",
        "the claim does not say which certified {programme} disease it treats; nothing paid",
    ),
    "reason.no_chronic_row": (
        "{edition}无{level:level}医疗机构的门诊慢特病支付比例",
        "{edition} has no chronic/special row for facility level {level}",
    ),
    "reason.no_outpatient_pooling": (
        "{edition}无门诊统筹参数；不予支付",
        "{edition} has no outpatient-pooling parameters; nothing paid",
    ),
    "reason.emergency_with_stay": (
        "按{edition}，急诊门诊费用并入住院结算（emergency.outpatient_settled_as_inpatient，{section}）；请随住院一并申报",
        "emergency outpatient costs are settled with the inpatient stay under {edition} "
        "(emergency.outpatient_settled_as_inpatient, {section}); submit them with the stay",
    ),
    "reason.no_outpatient_row": (
        "{edition}无{level:level}医疗机构的门诊统筹支付比例",
        "{edition} has no outpatient-pooling row for facility level {level}",
    ),
    "reason.no_inpatient_rules": (
        "{edition}未规定{location:location}的住院政策",
        "{edition} has no rules for {location} inpatient care",
    ),
    "reason.no_inpatient_row": (
        "{edition}无{level:level}医疗机构的住院支付标准",
        "{edition} has no inpatient row for facility level {level}",
    ),
    "reason.not_a_programme": (
        "{setting:setting}费用不按门诊专项结算",
        "{setting} claims are not settled as a programme",
    ),
    "reason.village_fee_not_whole": (
        "村卫生室一般诊疗费{fee}不是每次{each}的整数倍（outpatient_pooling.village_clinic_consultation_fee）",
        "general_consultation_fee {fee} at a village clinic is not a whole number of "
        "visits at {each} each (outpatient_pooling.village_clinic_consultation_fee)",
    ),
    # refusals that name a rule set's configuration (a reading the ledger does not apply, a missing parameter)
    "reason.reading_not_applied": (
        "{name}的取值'{value}'不是本台账适用的解读",
        "{name} '{value}' is not one the ledger applies",
    ),
    "reason.parameter_missing": (
        "{edition}无参数{name}，无法结算{setting:setting}费用",
        "{edition} has no parameter {name}, needed to settle a {setting} claim",
    ),
    "reason.large_amount_needs_ratio": (
        "超出基本统筹限额的大额医疗保险需单一的基本统筹支付比例；本单据为分段比例",
        "large-amount beyond the basic cap needs a single basic-pool ratio; this claim has bands",
    ),
    "reason.condition_without_cap": (
        "认定病种{conditions:condition}不在{name}中",
        "certified condition {conditions} has no cap in {name}",
    ),
    "reason.emergency_in_outpatient_cap": (
        "计入门诊统筹限额的急诊费用暂不结算",
        "emergency payments inside the outpatient-pooling cap are not settled yet",
    ),
    # members beyond the rule book (no complete rule set for a region and scheme)
    "beyond.holds_partial": (
        "规则库中{region:region}仅有部分规则集{edition}",
        "the rulebook holds only the partial rule set {edition} for {region}",
    ),
    "beyond.holds_none": (
        "规则库中无{region:region}{scheme:scheme}规则集",
        "the rulebook holds no rule set for {region} {scheme}s",
    ),
    "beyond.no_rule_set": ("无规则集{region}-{scheme}：{held}", "no rule set {region}-{scheme}: {held}"),
    "beyond.set_aside": ("（该地{count}笔缴费暂不计算）", " ({count} payment(s) there set aside)"),
    "beyond.moved": (
        "无规则集{region}-{scheme}：自{since}起，按{region:region}政策计算的参保期间、待遇等待期、限额、结算、缴费年限和个人账户"
        "均无法计算{set_aside}；转移前的情况按转出地政策计算",
        "no rule set {region}-{scheme}: from {since} coverage, waits, caps, settlements, "
        "contribution years and the personal account under {region}'s rules cannot be computed{set_aside}; "
        "what happened before the move is computed under the origin's rules",
    ),
    # --- merged with the facility registry, retroactive tilt, contributions checks ---------------
    "maternity.pregnancy_since_event": ("{on}生育事件之后", "after the maternity event of {on}"),
    "maternity.pregnancy_since_start": ("自参保记录开始", "from the start of the history"),
    "maternity.pregnancy_cap_status": (
        "本次孕期产前检查限额（一个孕期内）：{since}起算，至生育事件（分娩、流产、引产）止，跨自然年度；"
        "已用{used}，限额{cap}（readings.prenatal_cap_period）",
        "prenatal-examination cap of the current pregnancy (一个孕期内): it runs {since} until a maternity "
        "event (birth, miscarriage, termination) ends it, across calendar years; "
        "{used} of {cap} used (readings.prenatal_cap_period)",
    ),
    "reason.no_level_row": (
        "{edition}无{level:level}医疗机构的{table}标准，{mapping}也未将其对应到其他级别；不予支付",
        "{edition} has no {table} row for facility level {level} and {mapping} maps it to none; nothing paid",
    ),
    "level.mapped_row": (
        "医疗机构级别{level:level}在{table}中无单列标准：按{row:level}标准（{mapping}，{section}）",
        "facility level {level} has no row of its own in {table}: the {row} row ({mapping}, {section})",
    ),
    "place.flags_village": ("标注为村卫生室", "flags it as a village clinic"),
    "place.does_not_flag_village": ("未标注为村卫生室", "does not flag it as a village clinic"),
    "reason.flag_against_registry": (
        "单据{said}，但定点医疗机构名录（{registry}）登记{facility}为{kind:facility_kind}；不予支付",
        "the claim {said}, but the facility registry ({registry}) lists {facility} as a {kind} facility; nothing paid",
    ),
    "place.not_the_chosen": (
        "{facility}不是选定的门诊统筹定点机构{chosen}",
        "{facility} is not the chosen clinic {chosen}",
    ),
    "place.village_of_chosen_registry": (
        "在{facility}，为选定乡镇卫生院{township}的村卫生室（定点医疗机构名录{registry}）",
        "at {facility}, a village clinic of the chosen township {township} (facility registry {registry})",
    ),
    "place.village_of_other_township": (
        "{facility}为乡镇卫生院{township}的村卫生室，不属于选定的{chosen}（定点医疗机构名录{registry}）",
        "{facility} is a village clinic of the township {township}, not of the chosen {chosen} (facility registry {registry})",
    ),
    "place.unlisted": ("{facility}未列入定点医疗机构名录", "{facility} is not in the facility registry"),
    "place.unlisted_listed_by_choice": (
        "{unlisted}：为选定{chosen}时所列的村卫生室",
        "{unlisted}: at a village clinic the choice of {chosen} lists",
    ),
    "place.unlisted_not_of_choice": (
        "{unlisted}，且不在选定乡镇卫生院{chosen}的村卫生室（{clinics}）之列",
        "{unlisted} and not among the village clinics of the chosen township {chosen} ({clinics})",
    ),
    "place.unlisted_taken_of_chosen": (
        "{unlisted}，选定记录亦未列村卫生室：视为选定乡镇卫生院{chosen}辖区内的村卫生室（{reading}，{section}）",
        "{unlisted} and the choice lists no village clinics: taken to be a village clinic of the chosen township "
        "{chosen} ({reading}, {section})",
    ),
    "reason.not_chosen_or_village": (
        "{how}：不是选定的门诊统筹定点机构或其村卫生室（自{since}起选定；{section}：选择乡镇卫生院…其辖区内的村卫生室；"
        "非选定…不享受门诊统筹待遇）；不予支付",
        "{how}: not the chosen outpatient-pooling clinic or one of its village clinics "
        "(chosen from {since}; {section}: 选择乡镇卫生院…其辖区内的村卫生室; 非选定…不享受门诊统筹待遇); nothing paid",
    ),
    "place.two_diseases_at_chosen": (
        "在参保人的门诊统筹定点机构：{how}",
        "at the member's outpatient-pooling clinic: {how}",
    ),
    "remote.long_term_outpatient_at": (
        "在长期居住备案地{place}（{location:location}）：执行本市门诊统筹政策、起付标准和限额",
        "at the long-term filed place {place} ({location}): the city's outpatient-pooling policy, deductible and cap",
    ),
    "remote.with_clinic_note": ("{note}；{clinic}", "{note}; {clinic}"),
    "reason.no_filed_place_clinic": (
        "截至{on}未在长期居住备案地{place}选定门诊统筹定点医疗机构（{reading}，{section}：选择一家备案地二级及以下定点医疗机构）；不予支付",
        "no outpatient-pooling clinic chosen at the long-term filed place {place} by {on} "
        "({reading}, {section}: 选择一家备案地二级及以下定点医疗机构); nothing paid",
    ),
    "remote.filed_place_no_facility_id": (
        "单据未注明医疗机构编号：视为在备案地{place}选定的门诊统筹定点机构{facility}就医（{reading}）",
        "the claim names no facility_id: taken to be at {facility}, the clinic chosen at the filed place {place} ({reading})",
    ),
    "reason.not_filed_place_clinic": (
        "{facility}不是在长期居住备案地{place}选定的门诊统筹定点医疗机构{chosen}（自{since}起选定；{reading}，{section}：选择一家备案地二级及以下定点医疗机构）；不予支付",
        "{facility} is not {chosen}, the outpatient-pooling clinic chosen at the long-term filed "
        "place {place} (from {since}; {reading}, {section}: 选择一家备案地二级及以下定点医疗机构); nothing paid",
    ),
    "remote.at_filed_place_clinic": (
        "在备案地{place}选定的门诊统筹定点机构{facility}（自{since}起）",
        "at {facility}, the clinic chosen at the filed place {place} (from {since})",
    ),
    "second.large_amount_terms": (
        "大额医疗保险：超出基本统筹年度限额的{base} × {ratio}（{how}）= {raw}，年度限额内支付{paid}",
        "large-amount: {base} beyond the basic-pool cap × {ratio} ({how}) = {raw}, {paid} within the yearly cap",
    ),
    "second.copay_times": ("个人负担比例{copay} × {factor}", "co-pay {copay} × {factor}"),
    "second.copay_then_change": ("{copay}，再调整{change}：{note}", "{copay}, then {change} points: {note}"),
    "reason.no_large_amount_location_rule": (
        "{edition}未规定{location:location}超出基本统筹年度限额部分的大额医疗保险待遇",
        "{edition} has no large-amount rule for {location} care beyond the basic-pool cap",
    ),
    "second.remote_row_standard": (
        "{location:location}：执行该行自身的报销比例和起付标准{deductible}，不作异地调整，不降低50%",
        "{location}: the row's own ratio and deductible {deductible}, no remote change and no 50 % reduction",
    ),
    "retroactive.compared": ("按{category:category}应救助{total}", "as {category} {total} due"),
    "retroactive.decision_tilt": (
        "自{since}起认定为{category:category}（依申请救助，以认定时间为节点）：{year}年度此前就医的费用（此前入院，不论何时结算，按入院先后），"
        "按{category:category}救助标准——常规救助，再对省内就医超过监测线的部分给予倾斜救助——对其他支付层支付后的个人自付部分给予救助"
        "（{compared:comma}：待遇就高），扣除已获救助（不重复享受）：{named}；合计{total}{drawn_first}",
        "certified {category} from {since} (依申请救助, 以认定时间为节点): the {year} claims of care before it — "
        "admitted before it, whenever settled, in admission order — are assisted at the {category} standard: "
        "routine assistance, then tilt assistance above the monitoring line for care in the province, on the "
        "self-pay the other layers left ({compared}: 待遇就高), less what they already received (不重复享受): "
        "{named}; total {total}{drawn_first}",
    ),
    "retroactive.drawn_first": (
        "——已先扣除该年度此后就医、先于上述最后一笔结算的费用所用额度：起付标准{deductible}，常规救助{routine}，倾斜救助{tilt}，"
        "计入监测线{counted}",
        " — after what the year's claims of care after it, settled before the last of these, drew first: deductible "
        "{deductible}, routine {routine}, tilt {tilt}, {counted} counted towards the monitoring line",
    ),
    "retroactive.major_illness_stays": (
        "{node}之前费用的大病保险部分维持原结算：其对{category:category}的低收入倾斜（降低起付线、提高报销比例，002 第三章 二十四问；"
        "不设封顶线，二十六问）自认定之日起适用，因大病保险于出院时结算（二十五问 一站式即时报销）——以认定时间为节点…追溯救助仅适用于"
        "医疗救助（002 第六章 五问（三））；补助针对其遗留的个人自付部分",
        "the major-illness layer of the claims before {node} stays as settled: its low-income tilt for {category} "
        "(a lower threshold and higher ratios, 002 ch.3 二十四问; no cap, 二十六问) follows the category from its "
        "certification date, as the layer is settled on discharge (二十五问 一站式即时报销) — "
        "以认定时间为节点 … 追溯救助 reaches back for medical assistance only (002 ch.6 五问 (三)); "
        "the top-up assists the self-pay it left",
    ),
    "retroactive.top_up_tilt": (
        "依申请救助决定{decision}补助{amount}：自{since}起认定为{category:category}；按{category:category}救助标准"
        "（常规救助{routine} + 倾斜救助{tilt}），对个人自付{self_pay}应救助{due}，扣除已救助{already}",
        "topped up {amount} by the ledger's retroactive-assistance decision {decision} (依申请救助): "
        "certified {category} from {since}; {due} due at the {category} standard (routine "
        "{routine} + tilt {tilt}) on the self-pay {self_pay}, less {already} already assisted",
    ),
    "resident.newborn_next_year": (
        "{born}出生的新生儿于{paid}缴纳{year}年度参保费用，未超过{deadline}：不设待遇等待期，自{start}起享受待遇",
        "newborn of {born} paid on {paid} for {year}, by {deadline}: no waiting period, benefits from {start}",
    ),
    # --- employee contributions checked against base × rate (缴费基数与费率) ---------------------
    "contribution.employee.flexible_unchecked": (
        "{on}为灵活就业人员：{edition}未规定灵活就业人员费率，不予核对",
        "a flexible worker (灵活就业) on {on}: {edition} states no flexible rate, so it is not checked",
    ),
    "contribution.employee.refused": ("{period}缴费{amount}：{refused}", "{amount} paid for {period}: {refused}"),
    "contribution.employee.no_base": (
        "{period}缴费{amount}：{months}未申报缴费基数，不计算应缴标准",
        "{amount} paid for {period}: no contribution base declared for {months}, so the standard is not computed",
    ),
    "contribution.employee.standard": (
        "{period}缴费{amount}（{kind:contribution_kind}）；按月计算应缴，各险种分别取整到分：{spans}；应缴标准{total}",
        "{amount} paid for {period} ({kind}); owed per month, each levy rounded to the fen: {spans}; standard {total}",
    ),
    "contribution.employee.span_month": ("{month}：{line}", "{month}: {line}"),
    "contribution.employee.span_months": (
        "{first}–{last}（{months}个月）：每月{line}",
        "{first}–{last} ({months} months): {line} a month",
    ),
    "contribution.employee.underpaid": ("：少缴{difference}", ": underpaid by {difference}"),
    "contribution.employee.covered_owed": (
        "；相应月份仍视为参保，差额须补缴（政策未作规定）",
        "; the months stay covered and the difference is owed (the seeds are silent)",
    ),
    "contribution.employee.overpaid": ("：多缴{difference}", ": overpaid by {difference}"),
    "contribution.employee.and": ("{first}和{second}", "{first} and {second}"),
    "contribution.employee.base_taken": (
        "；按申报的缴费基数计算：政策规定了缴费基数上下限（{limits}倍的社会平均工资或最低缴费基数），但未给出该参照数额",
        "; the declared base is taken as it is: the seed sets the base limits "
        "({limits} times its reference wage or minimum base) but states no figure for that reference",
    ),
}
