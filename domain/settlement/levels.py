"""Which row of a table keyed by facility level (定点医疗机构等级) a claim's facility level uses.

A claim carries one of the contract's levels (``FacilityLevel``: community, unrated, level1, level2,
level2_city, level3, level3_special); the seeds' tables name fewer rows: the Shenyang employee
inpatient table (000 市内住院待遇) has no 基层 or 未定级 row, the Shenyang resident inpatient table
(001 市内住院待遇) no 未定级 or 市属二级 row, the Bazhong tables (002 ch.2 二十七问, ch.3 十一问) no
市属二级 or 特三级 row. A level with a row of its own uses it; any other uses the row the edition's
``readings.facility_level_row`` names for it (一级 for 基层 and 未定级 — 001 门诊慢特病 2 "一级医疗机构
（含基层及未定级医疗机构）", 000 门诊统筹 "一级及以下"; 二级 for 市属二级; 三级 for 特三级 where a region has
no 特三级 row), and the explanation says so. Care away from home uses the row of the same level (000/001
异地就医待遇 1 "执行我市对应级别定点医疗机构待遇标准"), the big-city 三甲 flag aside (see
``remote.big_city_top_hospital_level``). A level that neither has a row nor is mapped to one is refused
by name, never paid as 0.
"""

from __future__ import annotations

from datetime import date

from domain.entitlements.periods import has
from domain.messages import Message, msg
from domain.policies import Edition, ParameterReading, Table
from domain.settlement.errors import NotSettleable

LEVEL_ROW = "readings.facility_level_row"


def facility_row(
    edition: Edition, *, level: str, table: Table, table_name: str, on: date
) -> tuple[str, ParameterReading | None]:
    """The row of ``table`` for facility ``level``, and the reading that mapped it (None: its own row)."""
    if level in table.rows:
        return level, None
    if has(edition, LEVEL_ROW):
        mapping = edition.reading(LEVEL_ROW, on)
        assert isinstance(mapping.value, Table), f"{LEVEL_ROW} is not a table"
        if level in mapping.value.rows:
            row = mapping.value.cell(level)
            assert isinstance(row, str), f"{LEVEL_ROW} cells are facility levels"
            if row in table.rows:
                return row, mapping
    raise NotSettleable(
        msg("reason.no_level_row", edition=edition.name, table=table_name, level=level, mapping=LEVEL_ROW)
    )


def mapped_note(*, level: str, row: str, table_name: str, reading: ParameterReading) -> Message:
    """The explanation of a level paid on another level's row."""
    return msg(
        "level.mapped_row",
        level=level,
        table=table_name,
        row=row,
        mapping=LEVEL_ROW,
        section=reading.reference.section,
    )
