"""The facility registry (定点医疗机构名单): which designated facility an identifier names, as data.

One registry per pooling region, loaded with the rule sets (``projections.rulebook`` reads
``domain/policies/facilities/*.yaml``) and carried by every edition of that region, so the domain
consults it without I/O and an edition's content hash changes with it. Each facility has:

- ``kind``: ``community`` (社区卫生服务机构), ``township`` (乡镇卫生院), ``village`` (村卫生室) or
  ``hospital`` (any other designated facility);
- ``level``: a contract facility level (``FacilityLevel``);
- ``township``: for a village clinic only, the township health centre whose area it lies in (其辖区内的村卫生室,
  001 门、急诊待遇 3 门诊统筹待遇) — it must be a township of the same registry.

A facility the registry does not list is not an error: the settlement says so and falls back to the
reading the rule set states (``readings.unregistered_village_clinic``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from domain.policies.validation import MalformedRuleSetError
from domain.policies.values import FACILITY_LEVELS

#: Kinds of designated facility the registry knows.
FACILITY_KINDS: tuple[str, ...] = ("community", "township", "village", "hospital")
#: At most this many facilities in one region's registry (limits everywhere; a province lists some tens of thousands).
FACILITIES_PER_REGISTRY_MAX = 100_000
#: The contract's facility identifier (``FacilityId``).
_FACILITY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$")


@dataclass(frozen=True)
class Facility:
    """One designated facility of a region."""

    facility_id: str
    region: str
    kind: str
    level: str
    township_id: str | None = None


@dataclass(frozen=True)
class FacilityRegistry:
    """The designated facilities of one region, by identifier (empty: nothing known)."""

    region: str = ""
    source_file: str = ""
    facilities: Mapping[str, Facility] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "facilities", MappingProxyType(dict(self.facilities)))

    def get(self, facility_id: str | None) -> Facility | None:
        return None if facility_id is None else self.facilities.get(facility_id)

    def __len__(self) -> int:
        return len(self.facilities)

    def to_canonical(self) -> dict[str, Any]:
        """The registry as JSON-able data, part of an edition's hashed content."""
        return {
            "region": self.region,
            "facilities": {
                facility_id: {
                    "kind": facility.kind,
                    "level": facility.level,
                    **({"township": facility.township_id} if facility.township_id is not None else {}),
                }
                for facility_id, facility in sorted(self.facilities.items())
            },
        }


EMPTY_REGISTRY = FacilityRegistry()


def parse_facility_registry(*, file_name: str, source: Any) -> FacilityRegistry:
    """A registry from its loaded YAML mapping ``{region, description, facilities: {id: {kind, level, township?}}}``."""

    def fail(detail: str) -> MalformedRuleSetError:
        return MalformedRuleSetError(detail, file=file_name)

    if not isinstance(source, Mapping) or not isinstance(source.get("region"), str):
        raise fail("a facility registry is a mapping with a region")
    unknown_keys = sorted(set(source) - {"region", "description", "facilities"})
    if unknown_keys:
        raise fail(f"unknown keys {unknown_keys}")
    region = source["region"]
    raw = source.get("facilities") or {}
    if not isinstance(raw, Mapping):
        raise fail("facilities must map identifiers to {kind, level, township?}")
    if len(raw) > FACILITIES_PER_REGISTRY_MAX:
        raise fail(f"{len(raw)} facilities, above {FACILITIES_PER_REGISTRY_MAX}")
    facilities: dict[str, Facility] = {}
    for facility_id, entry in raw.items():
        if not isinstance(facility_id, str) or not _FACILITY_ID.match(facility_id):
            raise fail(f"{facility_id!r} is not a facility identifier (letters, digits, _ . : -)")
        if not isinstance(entry, Mapping) or sorted(set(entry) - {"kind", "level", "township"}):
            raise fail(f"{facility_id}: an entry has kind, level and (village clinics only) township")
        kind, level, township = entry.get("kind"), entry.get("level"), entry.get("township")
        if kind not in FACILITY_KINDS:
            raise fail(f"{facility_id}: kind {kind!r} is not one of {', '.join(FACILITY_KINDS)}")
        if level not in FACILITY_LEVELS:
            raise fail(f"{facility_id}: level {level!r} is not one of {', '.join(FACILITY_LEVELS)}")
        if (kind == "village") != (township is not None):
            raise fail(f"{facility_id}: a village clinic, and only a village clinic, names its township")
        facilities[facility_id] = Facility(facility_id, region, str(kind), str(level), township)
    for facility in facilities.values():
        if facility.township_id is None:
            continue
        township = facilities.get(facility.township_id)
        if township is None or township.kind != "township":
            raise fail(f"{facility.facility_id}: township {facility.township_id!r} is not a township of the registry")
    return FacilityRegistry(region=region, source_file=file_name, facilities=facilities)
