"""Why a rule set is refused: one typed error per kind of breakage.

Every error names the file, the parameter and the date of the offending value (when there
is one), so whoever edits the YAML can find the line. The service refuses to start with a
broken rule set (projections.rulebook raises these at load time).
"""

from __future__ import annotations

from datetime import date

from domain.errors import LedgerError


class RuleSetError(LedgerError):
    """A rule set, patch, catalogue or document registry that cannot be loaded."""

    code = "rule_set_invalid"

    def __init__(self, detail: str, *, file: str, parameter: str | None = None, on: date | None = None) -> None:
        self.detail = detail
        self.file = file
        self.parameter = parameter
        self.on = on
        where = file
        if parameter is not None:
            where += f", parameter {parameter}"
        if on is not None:
            where += f", value from {on.isoformat()}"
        super().__init__(f"{where}: {detail}")


class MalformedRuleSetError(RuleSetError):
    """A field is missing or a value does not fit its unit."""

    code = "rule_set_malformed"


class UnknownParameterError(RuleSetError):
    """The parameter name is not declared in the catalogue."""

    code = "rule_set_unknown_parameter"


class MissingReferenceError(RuleSetError):
    """A dated value has no reference to its policy document."""

    code = "rule_set_missing_reference"


class DanglingReferenceError(RuleSetError):
    """A reference points to a document that is not in the registry."""

    code = "rule_set_dangling_reference"


class UnsortedDatesError(RuleSetError):
    """Dated values are not in ascending date order."""

    code = "rule_set_unsorted_dates"


class DuplicateDateError(RuleSetError):
    """Two values of one parameter start on the same date."""

    code = "rule_set_duplicate_date"


class RatioOutOfRangeError(RuleSetError):
    """A ratio outside [0, 1]."""

    code = "rule_set_ratio_out_of_range"


class NegativeMoneyError(RuleSetError):
    """A money amount below zero."""

    code = "rule_set_negative_money"


class BandsOutOfOrderError(RuleSetError):
    """Band lower bounds that do not rise strictly."""

    code = "rule_set_bands_out_of_order"


class TableIncompleteError(RuleSetError):
    """A table value lacks a declared row (e.g. a facility level) or column."""

    code = "rule_set_table_incomplete"


class DateOutOfRangeError(LedgerError):
    """A parameter asked for on a date before its first value: an error, never a silent default."""

    code = "rule_date_before_first_value"

    def __init__(self, *, rule_set: str, parameter: str, on: date, first_on: date) -> None:
        self.rule_set = rule_set
        self.parameter = parameter
        self.on = on
        self.first_on = first_on
        super().__init__(
            f"{rule_set}: {parameter} has no value on {on.isoformat()} (first value {first_on.isoformat()})"
        )


class UnknownRuleSetParameterError(LedgerError):
    """A lookup of a parameter the edition does not define."""

    code = "rule_parameter_unknown"

    def __init__(self, *, rule_set: str, parameter: str) -> None:
        self.rule_set = rule_set
        self.parameter = parameter
        super().__init__(f"{rule_set} has no parameter {parameter}")


#: ValueProblem.kind → the error class to raise with context.
PROBLEM_KINDS: dict[str, type[RuleSetError]] = {
    "malformed": MalformedRuleSetError,
    "ratio_out_of_range": RatioOutOfRangeError,
    "negative_money": NegativeMoneyError,
    "bands_out_of_order": BandsOutOfOrderError,
    "table_incomplete": TableIncompleteError,
}
