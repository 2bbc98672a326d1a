"""The `indicators:` configuration section."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from config.section import Section

COMMUNE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"


class CommuneLabel(Section):
    """Another commune whose figures this install compares with (district or province view)."""

    id: str = Field(pattern=COMMUNE_ID_PATTERN, description="Commune id used in the figures, e.g. yen-hoa.")
    name: str = Field(min_length=1, description="Commune name with diacritics, e.g. 'Xã Yên Hòa'.")
    province: str | None = Field(default=None, description="Province, e.g. 'Ninh Bình'.")


class HamletCriterion(Section):
    """One criterion of the smart-hamlet (thôn thông minh) or new-rural set."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="Criterion id, e.g. wifi_public.")
    name_vi: str = Field(min_length=1, description="Vietnamese name, e.g. 'Có điểm wifi công cộng'.")
    name_en: str = Field(default="", description="English name.")


class HamletAssessment(Section):
    """A hamlet's assessment at a date: the criteria met and the evidence or figure for each."""

    period: str = Field(pattern=r"^\d{4}-\d{2}$", description="Month of the assessment, YYYY-MM.")
    met: list[str] = Field(default_factory=list, description="Ids of the criteria met.")
    evidence: dict[str, str] = Field(
        default_factory=dict, description="Evidence or figure per criterion id, e.g. {wifi_public: '2 điểm'}."
    )


class Hamlet(Section):
    """A hamlet (thôn / bản) and its assessments over time."""

    id: str = Field(pattern=COMMUNE_ID_PATTERN, description="Hamlet id, e.g. khe-coc.")
    name: str = Field(min_length=1, description="Name with diacritics, e.g. 'Thôn Khe Cốc'.")
    assessments: list[HamletAssessment] = Field(default_factory=list, description="Assessments, any order.")


class HamletCriteria(Section):
    """The criteria set hamlets are judged on, and the hamlets."""

    set_name: str = Field(default="Bộ tiêu chí thôn thông minh", description="Name of the criteria set.")
    criteria: list[HamletCriterion] = Field(default_factory=list, description="The criteria, in order.")
    hamlets: list[Hamlet] = Field(default_factory=list, description="The commune's hamlets.")

    @model_validator(mode="after")
    def _check_ids(self) -> HamletCriteria:
        known = {c.id for c in self.criteria}
        for hamlet in self.hamlets:
            for a in hamlet.assessments:
                unknown = sorted((set(a.met) | set(a.evidence)) - known)
                if unknown:
                    raise ValueError(
                        f"hamlet '{hamlet.id}' ({a.period}) names unknown criteria {', '.join(unknown)}. "
                        f"Fix: use one of {', '.join(sorted(known)) or 'the ids under criteria'}"
                    )
        return self


class ReportEmail(Section):
    """Where the periodic report is sent: an SMTP server and the recipients."""

    smtp_host: str = Field(description="SMTP server, e.g. smtp.gmail.com or the province's mail server.")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP port (587 with STARTTLS, 25 plain).")
    starttls: bool = Field(default=True, description="Upgrade the connection with STARTTLS.")
    username: str | None = Field(default=None, description="SMTP user; empty: no login.")
    password: str | None = Field(default=None, description="SMTP password, as ${NAME} from the environment.")
    sender: str = Field(description="From address, e.g. ubnd.quangtho@example.vn.")
    recipients: list[str] = Field(min_length=1, description="Addresses the report goes to.")
    timeout_s: float = Field(default=30, gt=0, le=600, description="Seconds to wait for the SMTP server.")


class ReportSchedule(Section):
    """Scheduled generation of the periodic report (PDF and XLSX) and its delivery by e-mail."""

    enabled: bool = Field(default=False, description="Generate the report on schedule.")
    day_of_month: int = Field(
        default=20, ge=1, le=28, description="Day of the month the previous period's report is generated."
    )
    hour: int = Field(default=7, ge=0, le=23, description="Local hour from which it is generated that day.")
    views: list[str] = Field(
        default_factory=lambda: ["month"],
        description="Which reports: month (every month), quarter (after March, June, September, December), "
        "6M, 9M and year (after June, September and December).",
    )
    output_dir: Path = Field(default=Path("data/reports"), description="Folder the reports are written to.")
    email: ReportEmail | None = Field(default=None, description="E-mail delivery; empty: files only.")

    @model_validator(mode="after")
    def _check_views(self) -> ReportSchedule:
        wrong = sorted(set(self.views) - {"month", "quarter", "6M", "9M", "year"})
        if wrong:
            raise ValueError(f"unknown report views {', '.join(wrong)}. Fix: use month, quarter, 6M, 9M, year")
        return self


class IndicatorsConfig(Section):
    """The KPI catalogue and where official figures come from."""

    catalogue_path: Path = Field(
        default=Path("config/indicators.yaml"),
        description="YAML file of the KPI catalogue (metrics, KPIs, formulas, national targets).",
    )
    figures_db_path: Path | None = Field(
        default=None,
        description="SQLite file holding imported and computed figures; empty: the app-state database "
        "(storage.state_path).",
    )
    targets: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="Per-commune target overrides: {commune id: {KPI id: target}}, e.g. {quang-tho: "
        "{cashless_households_rate: 70}}; a KPI not listed keeps the catalogue's national target.",
    )
    near_margin_pct: float = Field(
        default=10.0,
        ge=0,
        le=100,
        description="A value within this many percent of its target (on the wrong side) is 'near' (gần đạt) "
        "instead of 'behind' (chưa đạt).",
    )
    communes: list[CommuneLabel] = Field(
        default_factory=list,
        description="Other communes in this install, for names in comparisons; figures of unlisted communes "
        "are shown by id.",
    )
    sensor_refresh_s: int = Field(
        default=900,
        ge=60,
        le=86400,
        description="Seconds between two recomputations of the sensor-derived KPIs of this and last month.",
    )
    hamlets: HamletCriteria = Field(
        default_factory=HamletCriteria, description="Smart-hamlet / new-rural criteria and each hamlet's checks."
    )
    report: ReportSchedule = Field(
        default_factory=ReportSchedule, description="The periodic report: schedule, folder, e-mail."
    )
    pm25_daily_limit_ug_m3: dict[int, float] = Field(
        default_factory=lambda: {2023: 50.0, 2026: 45.0},
        description="QCVN 05:2023 24-hour PM2.5 limit by the year it applies from: {2023: 50, 2026: 45}.",
    )

    @model_validator(mode="after")
    def _check_targets(self) -> IndicatorsConfig:
        import re

        for commune in self.targets:
            if not re.match(COMMUNE_ID_PATTERN, commune):
                raise ValueError(
                    f"targets names commune '{commune}', which is not a commune id. "
                    "Fix: use the lower-case id with dashes, e.g. quang-tho"
                )
        if not self.pm25_daily_limit_ug_m3:
            raise ValueError("pm25_daily_limit_ug_m3 is empty. Fix: write {2023: 50, 2026: 45}")
        return self
