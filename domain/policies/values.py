"""Value shapes of policy parameters, and how each is read from its YAML form.

A parameter's *unit* fixes its shape:

- scalars: ``money`` (yuan in YAML, int fen inside), ``ratio`` (a decimal fraction in
  [0, 1], e.g. "0.80"), ``factor`` (a non-negative decimal multiplier, e.g. 2.5 for
  "起付线上调至2.5倍"), ``months``, ``days``, ``years``, ``count`` (non-negative ints),
  ``bool``, ``text`` (a code word), ``text_list``, ``date``;
- ``annual_window``: a window of days fixed relative to a coverage year
  (集中参保期: from Sep 1 of the prior year to Dec 31 of the prior year);
- ``bands``: marginal tiers, like a tax schedule (大病保险 分段报销);
- ``table``: cells keyed by one or two axes (facility level × person kind, …); a cell holds
  the table's cell unit, and a ratio cell may itself be bands (沈阳 特三级 adults:
  65 % up to 15,000, 70 % above).

Parsing never uses ``float``: money goes through :func:`domain.money.parse_yuan`, ratios
through ``Decimal(str)``. Problems are raised as :class:`ValueProblem` naming the error
class; the rule-set parser adds file, parameter and date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from domain.money import FEN_PER_YUAN, MoneyFormatError, fen_times_ratio, format_yuan, parse_yuan

#: Facility levels of the event contract (定点医疗机构等级); table rows use these codes.
FACILITY_LEVELS: tuple[str, ...] = (
    "community",  # 基层: 乡镇卫生院, 社区卫生服务中心
    "level1",  # 一级
    "level2",  # 二级 (沈阳职工: 区属二级)
    "level2_city",  # 沈阳职工: 市属二级
    "level3",  # 三级
    "level3_special",  # 特三级 / 特大型三级
    "unrated",  # 未定级
)

#: Person kinds and certified categories (rules-digest §1), plus ``ordinary`` for "none".
PERSON_KINDS: tuple[str, ...] = (
    "in_service",
    "retired",
    "adult",
    "student_or_minor",
    "student",
    "university_student",
    "minor",
    "newborn",
    "flexible",
    "age_80_plus",
    "civil_servant",
)
LOW_INCOME_CATEGORIES: tuple[str, ...] = (
    "ordinary",
    "extreme_poverty",
    "orphan",
    "minimum_living",
    "near_minimum",
    "monitored",
    "illness_poverty",
    "severe_disability",
    "entitled_group",
)

#: Axes whose keys are checked against a closed vocabulary; other axes are free code words.
AXIS_VOCABULARIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "facility_level": FACILITY_LEVELS,
        "person_kind": PERSON_KINDS,
        "low_income_category": LOW_INCOME_CATEGORIES,
    }
)

SCALAR_UNITS: frozenset[str] = frozenset(
    {"money", "ratio", "factor", "months", "days", "years", "count", "bool", "text", "text_list", "date"}
)
UNITS: frozenset[str] = SCALAR_UNITS | {"annual_window", "bands", "table"}
#: How a bands value is measured (see :meth:`Bands.amount_due`).
BAND_BASES: frozenset[str] = frozenset({"above_threshold", "cumulative"})


class ValueProblem(Exception):
    """A value that does not fit its unit; ``kind`` names the RuleSetError subclass to raise."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class YearRelativeDay:
    """A calendar day relative to a coverage year Y: ``year_offset`` −1 means Y−1."""

    year_offset: int
    month: int
    day: int

    def in_year(self, year: int) -> date:
        return date(year + self.year_offset, self.month, self.day)


@dataclass(frozen=True)
class AnnualWindow:
    """An inclusive window of days tied to coverage year Y (e.g. 集中参保期 Y−1-10-20 .. Y-02-28)."""

    start: YearRelativeDay
    end: YearRelativeDay

    def for_year(self, year: int) -> tuple[date, date]:
        """The window's first and last day (inclusive) for coverage year ``year``."""
        return self.start.in_year(year), self.end.in_year(year)


@dataclass(frozen=True)
class Tier:
    """One marginal band: ``ratio`` applies to the part of the base above ``over_fen``."""

    over_fen: int
    ratio: Decimal


@dataclass(frozen=True)
class Bands:
    """Marginal tiers (分段按比例), like a tax schedule; tiers ascend strictly by ``over_fen``.

    ``basis`` says what the tier bounds measure:

    - ``above_threshold``: the amount above a threshold (巴中 大病: "扣除起付标准后分段");
    - ``cumulative``: the whole cumulative amount, paying only on the part above the
      threshold (沈阳 大病: "超过起付标准2.48万元以上5万元(含)以下 60%").
    The part of the base below the first tier's ``over_fen`` pays nothing.
    """

    basis: str
    tiers: tuple[Tier, ...]

    def amount_due(self, *, base_fen: int, threshold_fen: int = 0) -> int:
        """Sum of ratio × the part of the base inside each band, each product rounded half-up."""
        if base_fen < 0 or threshold_fen < 0:
            raise ValueError("base_fen and threshold_fen must not be negative")
        if self.basis == "above_threshold":
            measured_fen, floor_fen = max(0, base_fen - threshold_fen), 0
        else:
            measured_fen, floor_fen = base_fen, threshold_fen
        total_fen = 0
        for index, tier in enumerate(self.tiers):
            upper_fen = self.tiers[index + 1].over_fen if index + 1 < len(self.tiers) else None
            lower_fen = max(tier.over_fen, floor_fen)
            top_fen = measured_fen if upper_fen is None else min(measured_fen, upper_fen)
            if top_fen > lower_fen:
                total_fen += fen_times_ratio(top_fen - lower_fen, tier.ratio)
        return total_fen


TableCell = int | Decimal | str | bool | Bands
TableKey = tuple[str, str | None]


@dataclass(frozen=True)
class Table:
    """Cells keyed by ``row`` (and ``column`` when the table has two axes)."""

    row_axis: str
    column_axis: str | None
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: Mapping[TableKey, TableCell]

    def cell(self, row: str, column: str | None = None) -> TableCell:
        """The cell at ``row`` × ``column``; a missing key is a ``KeyError`` naming both."""
        if (self.column_axis is None) != (column is None):
            raise KeyError(f"table {self.row_axis}×{self.column_axis} needs column={self.column_axis!r}")
        try:
            return self.cells[(row, column)]
        except KeyError:
            raise KeyError(f"no cell {self.row_axis}={row!r}, {self.column_axis}={column!r}") from None


Value = int | Decimal | bool | str | date | tuple[str, ...] | AnnualWindow | Bands | Table


def parse_money(raw: object) -> int:
    """Yuan as an int or a decimal string ("18000", "0.50") → fen; floats are refused."""
    if isinstance(raw, bool) or isinstance(raw, float):
        raise ValueProblem("malformed", f"money must be a yuan string or an integer, not {raw!r}")
    if isinstance(raw, int):
        if raw < 0:
            raise ValueProblem("negative_money", f"money must not be negative (got {raw})")
        return raw * FEN_PER_YUAN
    if isinstance(raw, str):
        if raw.strip().startswith("-"):
            raise ValueProblem("negative_money", f"money must not be negative (got {raw!r})")
        try:
            return parse_yuan(raw)
        except MoneyFormatError as error:
            raise ValueProblem("malformed", str(error)) from None
    raise ValueProblem("malformed", f"money must be a yuan string or an integer, not {raw!r}")


def parse_decimal(raw: object, *, unit: str) -> Decimal:
    if isinstance(raw, bool) or isinstance(raw, float):
        raise ValueProblem("malformed", f'{unit} must be a quoted decimal like "0.80", not {raw!r}')
    if not isinstance(raw, (int, str)):
        raise ValueProblem("malformed", f'{unit} must be a quoted decimal like "0.80", not {raw!r}')
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise ValueProblem("malformed", f"{unit} is not a decimal: {raw!r}") from None
    if not value.is_finite():
        raise ValueProblem("malformed", f"{unit} must be finite: {raw!r}")
    return value


def parse_ratio(raw: object) -> Decimal:
    value = parse_decimal(raw, unit="ratio")
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueProblem("ratio_out_of_range", f"ratio {raw!r} is outside [0, 1]")
    return value


def parse_date(raw: object) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise ValueProblem("malformed", f"not an ISO date (YYYY-MM-DD): {raw!r}")


def parse_scalar(unit: str, raw: object) -> Value:
    """Parse one scalar of ``unit``; raises :class:`ValueProblem`."""
    if unit == "money":
        return parse_money(raw)
    if unit == "ratio":
        return parse_ratio(raw)
    if unit == "factor":
        value = parse_decimal(raw, unit="factor")
        if value < 0:
            raise ValueProblem("malformed", f"factor must not be negative (got {raw!r})")
        return value
    if unit in ("months", "days", "years", "count"):
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise ValueProblem("malformed", f"{unit} must be a non-negative integer, not {raw!r}")
        return raw
    if unit == "bool":
        if not isinstance(raw, bool):
            raise ValueProblem("malformed", f"bool must be true or false, not {raw!r}")
        return raw
    if unit == "text":
        if not isinstance(raw, str) or not raw:
            raise ValueProblem("malformed", f"text must be a non-empty string, not {raw!r}")
        return raw
    if unit == "text_list":
        if not isinstance(raw, list) or not all(isinstance(item, str) and item for item in raw):
            raise ValueProblem("malformed", f"text_list must be a list of strings, not {raw!r}")
        return tuple(raw)
    if unit == "date":
        return parse_date(raw)
    raise ValueProblem("malformed", f"unknown scalar unit {unit!r}")


def parse_annual_window(raw: object) -> AnnualWindow:
    if not isinstance(raw, Mapping) or set(raw) != {"start", "end"}:
        raise ValueProblem("malformed", "annual_window needs exactly 'start' and 'end'")
    ends = []
    for key in ("start", "end"):
        part = raw[key]
        if not isinstance(part, Mapping) or set(part) != {"year_offset", "month", "day"}:
            raise ValueProblem("malformed", f"annual_window {key} needs year_offset, month, day")
        try:
            day = YearRelativeDay(int(part["year_offset"]), int(part["month"]), int(part["day"]))
            day.in_year(2001)  # a non-leap year: refuses Feb 29 and impossible days
        except (TypeError, ValueError) as error:
            raise ValueProblem("malformed", f"annual_window {key}: {error}") from None
        ends.append(day)
    window = AnnualWindow(ends[0], ends[1])
    first, last = window.for_year(2001)
    if last < first:
        raise ValueProblem("malformed", "annual_window ends before it starts")
    return window


def parse_bands(raw: object) -> Bands:
    if not isinstance(raw, Mapping) or set(raw) != {"basis", "tiers"}:
        raise ValueProblem("malformed", "bands need exactly 'basis' and 'tiers'")
    basis = raw["basis"]
    if basis not in BAND_BASES:
        raise ValueProblem("malformed", f"bands basis must be one of {sorted(BAND_BASES)}, not {basis!r}")
    raw_tiers = raw["tiers"]
    if not isinstance(raw_tiers, list) or not raw_tiers:
        raise ValueProblem("malformed", "bands need a non-empty list of tiers")
    tiers: list[Tier] = []
    for raw_tier in raw_tiers:
        if not isinstance(raw_tier, Mapping) or set(raw_tier) != {"over", "ratio"}:
            raise ValueProblem("malformed", "each tier needs exactly 'over' (yuan) and 'ratio'")
        tier = Tier(parse_money(raw_tier["over"]), parse_ratio(raw_tier["ratio"]))
        if tiers and tier.over_fen <= tiers[-1].over_fen:
            raise ValueProblem(
                "bands_out_of_order",
                f"tier over {format_yuan(tier.over_fen)} does not rise above {format_yuan(tiers[-1].over_fen)}",
            )
        tiers.append(tier)
    return Bands(str(basis), tuple(tiers))


def parse_table(
    raw: object, *, row_axis: str, column_axis: str | None, rows: Sequence[str], columns: Sequence[str], cell_unit: str
) -> Table:
    """Parse ``{row: {column: cell}}`` (or ``{row: cell}`` for one axis); every declared key must be there."""
    if not isinstance(raw, Mapping):
        raise ValueProblem("malformed", "a table value must be a mapping of rows")
    unknown_rows = [str(row) for row in raw if row not in rows]
    if unknown_rows:
        raise ValueProblem("malformed", f"table has undeclared {row_axis} rows {unknown_rows}")
    missing_rows = [row for row in rows if row not in raw]
    if missing_rows:
        raise ValueProblem("table_incomplete", f"table is missing {row_axis} {missing_rows}")
    cells: dict[TableKey, TableCell] = {}
    for row in rows:
        raw_row = raw[row]
        if column_axis is None:
            cells[(row, None)] = _parse_cell(raw_row, cell_unit)
            continue
        if not isinstance(raw_row, Mapping):
            raise ValueProblem("malformed", f"table row {row!r} must map {column_axis} to cells")
        unknown_columns = [str(column) for column in raw_row if column not in columns]
        if unknown_columns:
            raise ValueProblem("malformed", f"table row {row!r} has undeclared {column_axis} {unknown_columns}")
        missing_columns = [column for column in columns if column not in raw_row]
        if missing_columns:
            raise ValueProblem("table_incomplete", f"table row {row!r} is missing {column_axis} {missing_columns}")
        for column in columns:
            cells[(row, column)] = _parse_cell(raw_row[column], cell_unit)
    return Table(row_axis, column_axis, tuple(rows), tuple(columns), MappingProxyType(cells))


def _parse_cell(raw: object, cell_unit: str) -> TableCell:
    if cell_unit == "ratio" and isinstance(raw, Mapping):
        return parse_bands(raw)
    value = parse_scalar(cell_unit, raw)
    assert not isinstance(value, (date, tuple, AnnualWindow, Table)), "table cells are plain scalars"
    return value


def value_to_json(value: object, unit: str) -> Any:
    """The public JSON form: money as two-decimal yuan strings, ratios as decimal strings."""
    if isinstance(value, Table):
        if value.column_axis is None:
            return {row: _cell_to_json(value.cells[(row, None)], unit) for row in value.rows}
        return {
            row: {column: _cell_to_json(value.cells[(row, column)], unit) for column in value.columns}
            for row in value.rows
        }
    return _cell_to_json(value, unit)


def _cell_to_json(value: object, unit: str) -> Any:
    if isinstance(value, Bands):
        return {
            "basis": value.basis,
            "tiers": [{"over": format_yuan(tier.over_fen), "ratio": str(tier.ratio)} for tier in value.tiers],
        }
    if isinstance(value, AnnualWindow):
        return {
            "start": {"year_offset": value.start.year_offset, "month": value.start.month, "day": value.start.day},
            "end": {"year_offset": value.end.year_offset, "month": value.end.month, "day": value.end.day},
        }
    if unit == "money" and isinstance(value, int) and not isinstance(value, bool):
        return format_yuan(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value
