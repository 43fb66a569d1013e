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
}
