"""Seed worked examples as data: one parametrised runner over ``scenarios/*.yaml``.

Each file cites its seed section and holds a member's history and the queries to ask, with the
expected (partial) answers written from the seed text. The runner fills in the envelope
(event_id from the file name and position, member_id) and runs the scenario runner — the same
fold the service uses — in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, uuid5

import pytest
import yaml

from domain.scenario import Scenario, run_scenario
from projections.rulebook import Rulebook

SCENARIOS = Path(__file__).resolve().parent / "scenarios"


def _data_value(event_type: str, field: str, value: Any) -> Any:
    """A YAML value as the contract's JSON takes it: lists as they are, counts and flags as JSON integers and
    booleans (the contract refuses them as text), everything else (dates, yuan) as text."""
    if isinstance(value, list):
        return value
    if isinstance(value, (bool, int)):
        import domain.contract

        data_model = getattr(domain.contract, event_type).model_fields["data"].annotation
        declared = data_model.model_fields.get(field)
        if declared is not None and declared.annotation in (int, bool):
            return value
    return str(value)


def expand(file: Path, raw: dict[str, Any]) -> tuple[Scenario, list[Any]]:
    member_id = raw.get("member_id", "M-1")
    events = []
    for position, item in enumerate(raw["events"]):
        events.append(
            {
                "event_id": str(uuid5(NAMESPACE_URL, f"urn:scenario:{file.stem}:{position}")),
                "member_id": item.get("member_id", member_id),
                "type": item["type"],
                "occurred_on": str(item["day"]),
                "data": {key: _data_value(item["type"], key, value) for key, value in item["data"].items()},
                **({"recorded_at": item["recorded_at"]} if "recorded_at" in item else {}),
            }
        )
    queries = [{"member_id": member_id, **{k: str(v) for k, v in q.items() if k != "expect"}} for q in raw["queries"]]
    expected = [q["expect"] for q in raw["queries"]]
    return Scenario.model_validate({"events": events, "queries": queries}), expected


def assert_subset(expected: Any, actual: Any, path: str = "") -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{path}.{key}: missing in {sorted(actual)}"
            assert_subset(value, actual[key], f"{path}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list):
        # Lists match item by item (same length); an object item may name only some of its fields.
        assert len(actual) == len(expected), f"{path}: expected {len(expected)} item(s), got {len(actual)}: {actual!r}"
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            assert_subset(want, got, f"{path}[{index}]")
    else:
        assert actual == expected, f"{path}: expected {expected!r}, got {actual!r}"


def scenario_cases() -> list[Any]:
    cases = []
    for file in sorted(SCENARIOS.glob("*.yaml")):
        for number, raw in enumerate(yaml.safe_load(file.read_text(encoding="utf-8"))):
            cases.append(pytest.param(file, raw, id=f"{file.stem}:{number}:{raw['cites']}"))
    return cases


@pytest.mark.parametrize(("file", "raw"), scenario_cases())
def test_seed_example(file: Path, raw: dict[str, Any], rulebook: Rulebook) -> None:
    scenario, expected = expand(file, raw)
    answers = run_scenario(scenario, rulebook)
    for index, (want, got) in enumerate(zip(expected, answers, strict=True)):
        assert_subset(want, got, f"{raw['cites']} query #{index}")
