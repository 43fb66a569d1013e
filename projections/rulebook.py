"""Adapter: read the packaged policy YAML (domain/policies) from disk and build editions.

The domain parses already-loaded mappings; this module owns the file I/O and YAML
parsing. ``load_rulebook`` fails loudly (RuleSetError naming file, parameter and date) on
any broken rule set, so the service refuses to start with one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

import domain.policies as policies
from domain.policies import (
    Edition,
    MalformedRuleSetError,
    apply_patch,
    parse_catalogue,
    parse_documents,
    parse_rule_set,
)
from domain.policies.documents import CatalogueEntry
from domain.policies.facilities import FacilityRegistry, parse_facility_registry
from domain.policies.parameters import Document

#: Where the packaged policy data lives: next to the domain.policies modules.
POLICY_DIR: Path = Path(policies.__file__).resolve().parent
RULE_SET_DIR: Path = POLICY_DIR / "rulesets"
CATALOGUE_FILE: Path = POLICY_DIR / "catalogue.yaml"
DOCUMENTS_FILE: Path = POLICY_DIR / "documents.yaml"
#: One facility registry (定点医疗机构名单) per region; every edition of the region carries it.
FACILITY_DIR: Path = POLICY_DIR / "facilities"
#: A policy file larger than this is refused before parsing (limits everywhere).
POLICY_FILE_BYTES_MAX = 2_000_000


@dataclass(frozen=True)
class Rulebook(Mapping[str, Edition]):
    """The loaded editions by rule-set name, plus the catalogue and registry they were checked against."""

    editions: Mapping[str, Edition]
    catalogue: Mapping[str, CatalogueEntry]
    documents: Mapping[str, Document]
    #: Facility registries by region.
    facilities: Mapping[str, FacilityRegistry] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Edition:
        return self.editions[name]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.editions))

    def __len__(self) -> int:
        return len(self.editions)

    def load_alternative(self, path: Path) -> Edition:
        """An alternative edition for what-ifs: a whole rule-set file, or a patch file naming its base."""
        return self.alternative_from_source(read_yaml(path), file_name=path.name)

    def alternative_from_text(self, text: str, *, file_name: str) -> Edition:
        """The same, from the file's text (a replay job carries it so every worker builds the same edition)."""
        if len(text.encode("utf-8")) > POLICY_FILE_BYTES_MAX:
            raise MalformedRuleSetError(f"text is above {POLICY_FILE_BYTES_MAX} bytes", file=file_name)
        try:
            source = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise MalformedRuleSetError(f"not valid YAML: {error}", file=file_name) from None
        return self.alternative_from_source(source, file_name=file_name)

    def alternative_from_source(self, source: Any, *, file_name: str) -> Edition:
        path = Path(file_name)
        if isinstance(source, Mapping) and "patch" in source:
            base_name = str(source.get("base"))
            if base_name not in self.editions:
                raise MalformedRuleSetError(f"patch base {base_name!r} is not a loaded rule set", file=path.name)
            return apply_patch(
                file_name=path.name,
                source=source,
                base=self.editions[base_name],
                catalogue=self.catalogue,
                documents=self.documents,
            )
        edition = parse_rule_set(file_name=path.name, source=source, catalogue=self.catalogue, documents=self.documents)
        return with_registry(edition, self.facilities)


#: libyaml's safe loader when PyYAML was built with it, else the pure-Python one (same constructors, same values).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """Read one YAML file (safe loading, libyaml's parser when PyYAML has it: the same values, five times
    faster, which every process opening the rule book pays), refusing oversized files."""
    size = path.stat().st_size
    if size > POLICY_FILE_BYTES_MAX:
        raise MalformedRuleSetError(f"file is {size} bytes, above {POLICY_FILE_BYTES_MAX}", file=path.name)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except yaml.YAMLError as error:
        raise MalformedRuleSetError(f"not valid YAML: {error}", file=path.name) from None


def load_rulebook(extra_files: Sequence[Path] = ()) -> Rulebook:
    """Load every packaged rule set (and ``extra_files``) into a validated :class:`Rulebook`.

    Two rule sets with the same name are refused: an alternative edition is loaded with
    :meth:`Rulebook.load_alternative`, never by shadowing a packaged one.
    """
    catalogue = parse_catalogue(file_name=CATALOGUE_FILE.name, source=read_yaml(CATALOGUE_FILE))
    documents = parse_documents(file_name=DOCUMENTS_FILE.name, source=read_yaml(DOCUMENTS_FILE))
    facilities = load_facility_registries()
    editions: dict[str, Edition] = {}
    for path in [*sorted(RULE_SET_DIR.glob("*.yaml")), *extra_files]:
        edition = parse_rule_set(file_name=path.name, source=read_yaml(path), catalogue=catalogue, documents=documents)
        if edition.name in editions:
            raise MalformedRuleSetError(f"rule set {edition.name!r} is defined twice", file=path.name)
        editions[edition.name] = with_registry(edition, facilities)
    return Rulebook(editions=editions, catalogue=catalogue, documents=documents, facilities=facilities)


def load_facility_registries(directory: Path = FACILITY_DIR) -> dict[str, FacilityRegistry]:
    """The packaged facility registries by region; two files for one region are refused."""
    registries: dict[str, FacilityRegistry] = {}
    for path in sorted(directory.glob("*.yaml")):
        registry = parse_facility_registry(file_name=path.name, source=read_yaml(path))
        if registry.region in registries:
            raise MalformedRuleSetError(f"a second facility registry for region {registry.region!r}", file=path.name)
        registries[registry.region] = registry
    return registries


def with_registry(edition: Edition, facilities: Mapping[str, FacilityRegistry]) -> Edition:
    """``edition`` carrying its region's facility registry (unchanged where the region has none)."""
    registry = facilities.get(edition.region)
    return edition if registry is None else edition.with_facilities(registry)


def rule_set_summary(edition: Edition) -> dict[str, str]:
    """One line of ``ledger rules list`` / ``GET /v1/rules``: name, edition hash, date range, confidence."""
    return {
        "name": edition.name,
        "edition": edition.content_hash,
        "first_on": edition.first_on.isoformat(),
        "last_on": edition.last_on.isoformat(),
        "region": edition.region,
        "scheme": edition.scheme,
        "confidence": edition.confidence,
    }
