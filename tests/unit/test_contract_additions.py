"""Fields and values added to contract v1: earlier events keep their meaning and their digest."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from domain.contract import content_sha256, event_data_json, parse_batch, parse_event
from domain.errors import InvalidEvents
from tests.support.events import make_event


def _claim(**data: Any) -> dict[str, Any]:
    raw = make_event("ClaimSubmitted", **({"applied_on": None} | data))
    return raw


def test_a_claim_without_applied_on_keeps_its_earlier_digest_and_stored_form() -> None:
    raw = _claim()
    event = parse_event(raw)
    body = event.model_dump(mode="json", exclude={"recorded_at"})
    for later_field in ("applied_on", "facility_id", "general_consultation_fee"):  # all absent: added to v1 later
        del body["data"][later_field]
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert content_sha256(event) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert "applied_on" not in event_data_json(event)


def test_applied_on_changes_the_content() -> None:
    raw = _claim()
    later = _claim(applied_on=raw["data"]["discharged_on"])
    assert content_sha256(parse_event(raw)) != content_sha256(parse_event(later))
    assert event_data_json(parse_event(later))["applied_on"] == raw["data"]["discharged_on"]


def test_applied_on_before_the_discharge_is_refused_by_name() -> None:
    raw = _claim(applied_on="2000-01-01")
    with pytest.raises(InvalidEvents) as caught:
        parse_batch([raw])
    [problem] = [p.as_dict() for p in caught.value.problems]
    assert problem["field"] == "data.applied_on"
    assert "before the discharge" in problem["reason"]


def test_veteran_or_released_is_a_category() -> None:
    event = parse_event(make_event("CategoryCertified", category="veteran_or_released"))
    assert event.data.category.value == "veteran_or_released"  # type: ignore[attr-defined]
