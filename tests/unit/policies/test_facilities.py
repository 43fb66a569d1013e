"""The facility registry (定点医疗机构名单): parsed as data, refused when inconsistent, carried by editions."""

from __future__ import annotations

from typing import Any

import pytest

from domain.policies import MalformedRuleSetError
from domain.policies.facilities import parse_facility_registry
from projections.rulebook import load_facility_registries, load_rulebook

REGISTRY: dict[str, Any] = {
    "region": "shenyang",
    "description": "test",
    "facilities": {
        "T-1": {"kind": "township", "level": "level1"},
        "V-1": {"kind": "village", "level": "community", "township": "T-1"},
        "H-1": {"kind": "hospital", "level": "level3"},
    },
}


def with_facility(facility_id: str, entry: dict[str, Any]) -> dict[str, Any]:
    return {**REGISTRY, "facilities": {**REGISTRY["facilities"], facility_id: entry}}


def test_a_village_clinic_knows_its_township() -> None:
    registry = parse_facility_registry(file_name="t.yaml", source=REGISTRY)
    village = registry.get("V-1")
    assert village is not None and village.kind == "village" and village.township_id == "T-1"
    assert registry.get("T-1") is not None and registry.get("T-1").township_id is None  # type: ignore[union-attr]
    assert registry.get("UNKNOWN") is None and registry.get(None) is None
    assert len(registry) == 3


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ({"kind": "village", "level": "community"}, "names its township"),
        ({"kind": "township", "level": "level1", "township": "T-1"}, "names its township"),
        ({"kind": "village", "level": "community", "township": "H-1"}, "is not a township"),
        ({"kind": "village", "level": "community", "township": "NOWHERE"}, "is not a township"),
        ({"kind": "clinic", "level": "level1"}, "kind 'clinic'"),
        ({"kind": "hospital", "level": "3a"}, "level '3a'"),
        ({"kind": "hospital", "level": "level3", "beds": 10}, "an entry has kind, level"),
    ],
)
def test_an_inconsistent_entry_is_refused(entry: dict[str, Any], words: str) -> None:
    with pytest.raises(MalformedRuleSetError, match=words):
        parse_facility_registry(file_name="t.yaml", source=with_facility("X-1", entry))


def test_a_bad_identifier_is_refused() -> None:
    with pytest.raises(MalformedRuleSetError, match="not a facility identifier"):
        parse_facility_registry(
            file_name="t.yaml", source=with_facility("has space", {"kind": "hospital", "level": "level1"})
        )


def test_editions_of_the_region_carry_the_registry_and_hash_it() -> None:
    rulebook = load_rulebook()
    registries = load_facility_registries()
    assert set(registries) == {"shenyang"}
    assert rulebook["shenyang-resident"].facilities.get("SY-VIL-2") is not None
    assert rulebook["shenyang-employee"].facilities is not None and len(rulebook["shenyang-employee"].facilities)
    assert len(rulebook["bazhong-resident"].facilities) == 0
    edition = rulebook["shenyang-resident"]
    other = parse_facility_registry(file_name="t.yaml", source=REGISTRY)
    assert edition.with_facilities(other).content_hash != edition.content_hash
    assert edition.with_facilities(edition.facilities).content_hash == edition.content_hash
