"""Hamlet criteria: each hamlet's checklist at a month (criteria met, with evidence) and its progress over time,
from the configured criteria set; hamlets listed by criteria met."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.settings import HamletCriteria


@dataclass(frozen=True, slots=True)
class CriterionCheck:
    """One criterion of one hamlet: met or not, and the evidence or figure given."""

    criterion_id: str
    name_vi: str
    name_en: str
    met: bool
    evidence: str


@dataclass(frozen=True, slots=True)
class HamletStatus:
    """A hamlet at a month: its checklist from the latest assessment up to that month, and the count of
    criteria met at each assessment (progress)."""

    hamlet_id: str
    name: str
    assessed: str | None  # month of the assessment used
    checks: tuple[CriterionCheck, ...]
    progress: tuple[tuple[str, int], ...]

    @property
    def met(self) -> int:
        return sum(1 for c in self.checks if c.met)


def hamlet_statuses(config: HamletCriteria, as_of: str) -> list[HamletStatus]:
    """Every hamlet's status at month `as_of` (YYYY-MM), most criteria met first, then by name."""
    out = []
    for hamlet in config.hamlets:
        done = sorted((a for a in hamlet.assessments if a.period <= as_of), key=lambda a: a.period)
        latest = done[-1] if done else None
        checks = tuple(
            CriterionCheck(
                c.id,
                c.name_vi,
                c.name_en or c.name_vi,
                latest is not None and c.id in latest.met,
                (latest.evidence.get(c.id, "") if latest else ""),
            )
            for c in config.criteria
        )
        progress = tuple((a.period, len(set(a.met))) for a in done)
        out.append(HamletStatus(hamlet.id, hamlet.name, latest.period if latest else None, checks, progress))
    return sorted(out, key=lambda h: (-h.met, h.name))
