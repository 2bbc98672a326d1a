"""The KPI catalogue file (config/indicators.yaml): its schema, and loading with every mistake located."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, field_validator

from config.problems import ConfigError, ConfigProblem, DuplicateKey, Loc, dotted, line_of, read_yaml
from config.section import Section
from indicators.formula import FormulaError, Name, Node, aggregated_names, check, names
from indicators.models import OLD_PILLARS, Aggregate, Direction, MergeRule, PeriodKind, Pillar, Source
from indicators.units import UNITS, is_additive

ID_PATTERN = r"^[a-z][a-z0-9_]{1,63}$"
UNIT_HELP = ", ".join(UNITS)


def _known_unit(unit: str) -> str:
    if unit not in UNITS:
        raise ValueError(f"unknown unit '{unit}'; use one of {UNIT_HELP}")
    return unit


class MetricDef(Section):
    """A base metric: a figure imported from the commune's systems or computed by COC from its own data."""

    id: str = Field(
        pattern=ID_PATTERN, description="Metric name used in formulas and imports, e.g. households_total."
    )
    name_vi: str = Field(min_length=1, description="Vietnamese name with diacritics.")
    name_en: str = Field(min_length=1, description="English name.")
    unit: str = Field(description=f"Unit code: {UNIT_HELP}.")
    aggregate: Aggregate = Field(
        default=Aggregate.LAST,
        description="How months combine into a quarter or year: sum (flows), last (stocks), mean (shares).",
    )
    source: Source = Field(
        default=Source.IMPORTED, description="imported (official figures) or computed (by COC)."
    )
    max_value: float | None = Field(
        default=None, description="Largest acceptable value (100 for a percentage)."
    )
    merge: MergeRule | None = Field(
        default=None,
        description="How former communes' figures add up into the merged commune's figure before the merger: "
        "sum, or none (cannot be combined: the period stays empty with a note); empty: sum for counts and amounts, "
        "none for %, hours, days, minutes and procedures (the unit decides).",
    )

    _unit = field_validator("unit")(_known_unit)

    @property
    def merge_rule(self) -> MergeRule:
        """The configured rule, else the unit's: counts and amounts add up, shares and overlapping times do not."""
        if self.merge is not None:
            return self.merge
        return MergeRule.SUM if is_additive(self.unit) else MergeRule.NONE


class KpiDef(Section):
    """A KPI: a formula over base metrics (or other KPIs), its national target and how to read it."""

    id: str = Field(pattern=ID_PATTERN, description="KPI id, e.g. cashless_households_rate.")
    name_vi: str = Field(min_length=1, description="Vietnamese name with diacritics, shown first.")
    name_en: str = Field(min_length=1, description="English name.")
    pillar: Pillar = Field(
        description="economy, culture_society, defence_security, environment, digital_transformation or "
        "administrative_reform (the six groups of the commune's plan report)."
    )
    unit: str = Field(description=f"Unit code of the value: {UNIT_HELP}.")
    formula: str = Field(
        min_length=1, description="Expression over metrics and KPIs: + - * / ( ) min max sum ..."
    )
    target: float | None = Field(default=None, description="National default target; communes override it.")
    target_basis: str | None = Field(
        default=None, description="Where the target comes from, e.g. 411/QĐ-TTg."
    )
    target_from_year: int | None = Field(
        default=None, ge=2000, le=2100, description="First year the national target applies to (empty: always)."
    )
    target_until_year: int | None = Field(
        default=None,
        ge=2000,
        le=2100,
        description="Last year the national target applies to, e.g. 2025 for a decision that ran to 2025; "
        "later periods are judged only against a plan or commune target.",
    )
    aggregate: Aggregate | None = Field(
        default=None,
        description="How the KPI's months add up in a report (lũy kế): sum (judged against the year plan "
        "pro rata), mean or last (judged as they are); empty: sum when the formula is one summed metric, "
        "else last.",
    )
    direction: Direction = Field(default=Direction.HIGHER, description="higher or lower is better.")
    period: PeriodKind = Field(
        default=PeriodKind.MONTH, description="Reporting period: month, quarter or year."
    )
    source: Source = Field(
        default=Source.IMPORTED, description="imported (official figures) or computed (by COC)."
    )

    _unit = field_validator("unit")(_known_unit)

    @field_validator("pillar", mode="before")
    @classmethod
    def _old_pillar(cls, value: object) -> object:
        """Catalogues written for earlier releases name the digital pillars; they belong to chuyển đổi số."""
        return OLD_PILLARS.get(value, value) if isinstance(value, str) else value


class CatalogueFile(Section):
    """The whole catalogue file."""

    version: int = Field(default=1, ge=1, le=1, description="Catalogue format version (1).")
    metrics: list[MetricDef] = Field(min_length=1, description="Base metrics, imported or computed.")
    kpis: list[KpiDef] = Field(min_length=1, description="KPIs, each a formula over metrics and other KPIs.")


@dataclass(frozen=True, slots=True)
class Catalogue:
    """A validated catalogue: metrics and KPIs by id, each KPI's formula parsed, KPIs in file order."""

    metrics: dict[str, MetricDef]
    kpis: dict[str, KpiDef]
    formulas: dict[str, Node]

    def kpi_inputs(self, kpi_id: str) -> set[str]:
        """Names the KPI's formula reads directly."""
        return names(self.formulas[kpi_id])

    def aggregate_of(self, kpi_id: str) -> Aggregate:
        """How the KPI's months add up: as configured, else sum for a single summed metric, else last."""
        kpi = self.kpis[kpi_id]
        if kpi.aggregate is not None:
            return kpi.aggregate
        node = self.formulas[kpi_id]
        if isinstance(node, Name) and node.id in self.metrics:
            return self.metrics[node.id].aggregate
        return Aggregate.LAST

    def merge_rules(self) -> dict[str, MergeRule]:
        """Each base metric's rule for adding up former communes' figures."""
        return {m.id: m.merge_rule for m in self.metrics.values()}


def load_catalogue(path: str | Path) -> Catalogue:
    """Load and check the catalogue file; raise ConfigError listing every problem with file, line and key."""
    return parse_catalogue(Path(path).read_text(encoding="utf-8"), str(path))


def parse_catalogue(text: str, filename: str = "<catalogue>") -> Catalogue:
    """Validate catalogue text: schema, unique ids, formulas (syntax, known names) and cycles between KPIs."""
    try:
        data, lines = read_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            [
                ConfigProblem(
                    filename,
                    mark.line + 1 if mark else None,
                    "",
                    f"not valid YAML: {getattr(exc, 'problem', exc)}",
                    "check indentation and quoting around this line",
                )
            ]
        ) from None
    except DuplicateKey as dup:  # raised by the shared reader
        raise ConfigError(
            [ConfigProblem(filename, dup.line, dup.key, "this key appears twice", "keep only one of the two entries")]
        ) from None
    try:
        parsed = CatalogueFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError([_explain(err, lines, filename) for err in exc.errors()]) from None
    problems: list[ConfigProblem] = []
    catalogue = _build(parsed, lines, filename, problems)
    if problems:
        raise ConfigError(problems)
    return catalogue


def _explain(err: Any, lines: dict[Loc, int], filename: str) -> ConfigProblem:
    loc = tuple(err["loc"])
    message = str(err["msg"]).removeprefix("Value error, ")
    fix = "see the other entries of config/indicators.yaml"
    if err["type"] == "extra_forbidden":
        message = f"unknown key '{loc[-1]}'"
        fix = "remove it; allowed keys are listed in indicators/catalogue.py"
    elif err["type"] == "missing":
        fix = f"add '{loc[-1]}:' here"
    elif err["type"] == "enum":
        fix = f"use {err.get('ctx', {}).get('expected', 'one of the listed values')}"
    return ConfigProblem(filename, line_of(loc, lines), dotted(loc), message, fix)


def _build(parsed: CatalogueFile, lines: dict[Loc, int], filename: str, problems: list[ConfigProblem]) -> Catalogue:
    def problem(loc: Loc, message: str, fix: str) -> None:
        problems.append(ConfigProblem(filename, line_of(loc, lines), dotted(loc), message, fix))

    seen: dict[str, Loc] = {}
    entries: tuple[tuple[str, Sequence[MetricDef | KpiDef]], ...] = (("metrics", parsed.metrics), ("kpis", parsed.kpis))
    for section, items in entries:
        for i, item in enumerate(items):
            if item.id in seen:
                problem(
                    (section, i, "id"),
                    f"id '{item.id}' is used twice (also at {dotted(seen[item.id])})",
                    "give every metric and KPI its own id",
                )
            seen.setdefault(item.id, (section, i, "id"))
    known = set(seen)
    formulas: dict[str, Node] = {}
    for i, kpi in enumerate(parsed.kpis):
        try:
            formulas[kpi.id] = check(kpi.formula, known)
        except FormulaError as exc:
            problem(
                ("kpis", i, "formula"),
                str(exc),
                "use only metrics and KPIs defined in this file, numbers, "
                "+ - * / ( ) and min, max, sum, last, mean, if_zero",
            )
    index = {kpi.id: i for i, kpi in enumerate(parsed.kpis)}
    for kpi_id, node in formulas.items():
        wrong = sorted(aggregated_names(node) & set(index))
        if wrong:
            problem(
                ("kpis", index[kpi_id], "formula"),
                f"sum(), last() and mean() take base metrics, not KPIs: {', '.join(wrong)}",
                "apply them to the metrics the KPI is computed from",
            )
    for cycle in _cycles(formulas, set(index)):
        problem(
            ("kpis", index[cycle[0]], "formula"),
            f"KPIs depend on each other in a circle: {' → '.join(cycle)}",
            "compute one of them from base metrics only",
        )
    return Catalogue({m.id: m for m in parsed.metrics}, {k.id: k for k in parsed.kpis}, formulas)


def _cycles(formulas: dict[str, Node], kpi_ids: set[str]) -> list[list[str]]:
    """Each circle of KPIs reading each other, reported once, starting from its first KPI in file order."""
    deps = {k: sorted(names(node) & kpi_ids) for k, node in formulas.items()}
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(k: str, path: list[str]) -> None:
        if k in path:
            found.append(path[path.index(k) :] + [k])
            return
        if k in done:
            return
        for dep in deps.get(k, ()):
            visit(dep, path + [k])
        done.add(k)

    for k in formulas:
        visit(k, [])
    return found
