"""The room's record on /admin: one list of what people did, merged from the three append-only logs that hold it
(the alarms' transitions made by a person, the camera evidence access log, and the user book's audit of logins,
session ends, user changes and risk levels), filtered by who, what and when, and exported as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alerts.read_side import AlertsReadSide
from dashboard.camera_audit import read_access
from dashboard.context import AppContext
from dashboard.users import user_book

# action -> (kind, Vietnamese, English). The kinds are the "Loại" filter of the page.
ACTIONS: dict[str, tuple[str, str, str]] = {
    "acknowledged": ("alarm", "Tiếp nhận báo động", "Acknowledged alarm"),
    "shelved": ("alarm", "Tạm ẩn báo động", "Shelved alarm"),
    "unshelved": ("alarm", "Bỏ tạm ẩn", "Unshelved alarm"),
    "resolved": ("alarm", "Hoàn thành xử lý", "Resolved alarm"),
    "closed": ("alarm", "Đóng báo động", "Closed alarm"),
    "escalated": ("alarm", "Chuyển cấp trên", "Escalated alarm"),
    "clip_view": ("camera", "Xem đoạn phim", "Viewed clip"),
    "export": ("camera", "Xuất bằng chứng", "Exported evidence"),
    "false_alarm": ("camera", "Đánh dấu báo động giả", "Marked false alarm"),
    "false_alarm_undo": ("camera", "Bỏ đánh dấu báo động giả", "Unmarked false alarm"),
    "login": ("login", "Đăng nhập", "Logged in"),
    "logout": ("login", "Đăng xuất", "Logged out"),
    "session_end": ("login", "Kết thúc phiên đăng nhập", "Ended a session"),
    "user_add": ("user", "Thêm người dùng", "Added user"),
    "user_disable": ("user", "Khóa tài khoản", "Disabled user"),
    "user_enable": ("user", "Mở khóa tài khoản", "Enabled user"),
    "user_password": ("user", "Đặt lại mật khẩu", "Reset password"),
    "user_role": ("user", "Đổi vai trò", "Changed role"),
    "risk_level": ("user", "Công bố cấp độ rủi ro", "Announced risk level"),
}
KINDS = ("alarm", "camera", "login", "user")
CSV_COLUMNS = ("at_utc", "who", "role", "kind", "action", "target", "note")


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One thing a person did: when (UTC), who, what (a key of ACTIONS, or the log's own word), on what, and the
    note or detail they left."""

    at: datetime
    who: str
    role: str
    action: str
    target: str
    note: str = ""
    target_en: str = ""  # the target in English where the log has both (an alarm's title)

    @property
    def kind(self) -> str:
        return ACTIONS.get(self.action, ("other", "", ""))[0]

    def target_text(self, lang: str) -> str:
        return self.target_en if lang == "en" and self.target_en else self.target

    def label(self, lang: str) -> str:
        entry = ACTIONS.get(self.action)
        return (entry[2] if lang == "en" else entry[1]) if entry else self.action


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Who (part of the name, any case), which kind of action, and a UTC time range [since, until)."""

    who: str = ""
    kind: str = ""
    since: datetime | None = None
    until: datetime | None = None

    def keeps(self, record: AuditRecord) -> bool:
        if self.who and self.who.casefold() not in record.who.casefold():
            return False
        if self.kind and record.kind != self.kind:
            return False
        if self.since is not None and record.at < self.since:
            return False
        return self.until is None or record.at < self.until


def _utc(text: str) -> datetime:
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def alarm_records(alerts: AlertsReadSide | None, flt: AuditFilter, limit: int) -> list[AuditRecord]:
    """Acknowledgements, shelving, notes and closings people made, from the alert store's audit."""
    if alerts is None:
        return []
    return [AuditRecord(p.transition.at.astimezone(UTC), p.transition.actor or "", p.transition.role or "",
                        p.transition.action.value, p.title_vi, p.transition.note or "", p.title_en)
            for p in alerts.person_actions(flt.since, flt.until, limit)]


def camera_records(access_log: Path | None, limit: int) -> list[AuditRecord]:
    """Clip views, evidence exports and false-alarm marks from the camera access log."""
    if access_log is None:
        return []
    out = []
    for row in read_access(access_log, limit):
        try:
            at = _utc(str(row["at"]))
        except (KeyError, ValueError):
            continue
        detail = ", ".join(f"{k}={v}" for k, v in row.items() if k not in {"at", "action", "who", "role", "event_id"})
        out.append(AuditRecord(at, str(row.get("who", "")), str(row.get("role", "")), str(row.get("action", "")),
                               str(row.get("event_id", "")), detail))
    return out


def book_records(ctx: AppContext, limit: int) -> list[AuditRecord]:
    """Logins, logouts, sessions ended, user changes and risk levels from the user book's audit."""
    return [AuditRecord(a.at.astimezone(UTC), a.actor, "", a.action, a.target, a.detail)
            for a in user_book(ctx).audit(limit)]


def access_log_of(ctx: AppContext) -> Path:
    """The camera evidence access log (the hub's settings while it runs, else the configuration's)."""
    return (ctx.cameras.system if ctx.cameras is not None else ctx.config.camera).access_log


def records(ctx: AppContext, flt: AuditFilter = AuditFilter(), limit: int = 300) -> list[AuditRecord]:
    """The newest `limit` records of every log that pass the filter, newest first."""
    scan = max(limit * 4, 2000)  # each log read deep enough that the filter still finds `limit` rows
    merged = [r for r in (*alarm_records(ctx.alerts, flt, scan), *camera_records(access_log_of(ctx), scan),
                          *book_records(ctx, scan)) if flt.keeps(r)]
    return sorted(merged, key=lambda r: r.at, reverse=True)[:limit]


def to_csv(rows: Iterable[AuditRecord], lang: str = "vi") -> str:
    """The records as CSV (UTF-8 with BOM added by the caller for spreadsheets), times in UTC ISO 8601."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([r.at.isoformat().replace("+00:00", "Z"), r.who, r.role, r.kind, r.label(lang),
                         r.target_text(lang), r.note])
    return out.getvalue()
