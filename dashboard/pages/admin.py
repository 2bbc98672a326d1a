"""Admin page /admin: health of the parts, devices and cameras, failed notifications, disk use, the running
configuration checked, rejected messages, undeclared devices, users (admin_users), the room's audit log and the login
sessions (admin_audit)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dash
from dash import Input, Output, dcc, html
from dash.development.base_component import Component

from dashboard import ids
from dashboard.formats import count, local_time, number, size_bytes
from dashboard.i18n import age_text, current_lang, has_label, t
from dashboard.pages import admin_audit, admin_users
from dashboard.pages.admin_config import config_check
from dashboard.pages.admin_deliveries import section as deliveries_section
from dashboard.pages.admin_table import Row, table
from dashboard.read.alerts import alert_reads
from dashboard.read.cameras import camera_reads
from dashboard.read.sensors import sensor_reads
from dashboard.read.system import HealthView, ProvinceHealthView, SystemReads, system_reads, unknown_device_json
from dashboard.read_model import ReadModel
from dashboard.reasons import reason_text
from dashboard.settings import Role
from dashboard.users import user_book

__all__ = ["disk_rows", "health_rows", "layout", "loss_rows", "part_rows", "register", "table"]
STATE_KEYS = {"online": "wall.online", "offline": "wall.offline", "never": "wall.never"}
Report = HealthView | ProvinceHealthView


def layout(_rest: str, rm: ReadModel, lang: str, _role: Role | None) -> Component:
    book = rm.reads(user_book)
    return html.Div(
        [
            html.H1(t("admin.title", lang)),
            dcc.Interval(id=ids.ADMIN_TICK, interval=5000),
            html.Div(id=ids.ADMIN_BODY, children=body(rm, lang)),
            admin_audit.audit_section(rm, lang),
            admin_audit.session_section(lang, _tz(rm)),
            deliveries_section(rm.reads(alert_reads), lang),  # SMS, ZNS, Telegram, e-mail to people on duty
            html.H2(t("admin.users", lang)),
            admin_users.forms(lang),
            html.Div(admin_users.users_table(book, lang), id=ids.USER_TABLE),
            html.H2(t("admin.config", lang)),
            html.Button(t("admin.config", lang), id=ids.ADMIN_CHECK, className="btn btn-quiet"),
            html.Pre(config_check(rm, lang), id=ids.ADMIN_CONFIG, className="config-check"),
        ],
        className="admin",
    )


def _system(rm: ReadModel) -> SystemReads:
    return rm.reads(system_reads)


def health_rows(rm: ReadModel, lang: str, report: Report | None = None) -> list[Row]:
    """One row per part: MQTT, store, cameras, and every service that is not running."""
    report, tz = report or _system(rm).health(), _tz(rm)
    yes, no = t("yes", lang), t("no", lang)
    if isinstance(report, ProvinceHealthView):  # no broker or cameras of its own; each commune's store
        return [{"part": t("admin.part.store", lang, backend=c.name), "ok": yes if c.store.ok else no,
                 "detail": _store_detail(c.store.to_json(), lang)} for c in report.communes]
    stats = report.mqtt.stats
    rows: list[Row] = [
        {
            "part": t("admin.part.mqtt", lang),
            "ok": yes if report.mqtt.connected else no,
            "detail": t("admin.detail.mqtt", lang, messages=count(stats.messages if stats else 0, lang),
                        rejected=count(stats.rejected if stats else 0, lang),
                        last=local_time(stats.last_message_at if stats else None, tz, "%d/%m/%Y %H:%M:%S")),
        },
        {
            "part": t("admin.part.store", lang, backend=report.store.backend),
            "ok": yes if report.store.ok else no,
            "detail": _store_detail(report.store.to_json(), lang),
        },
        {"part": t("admin.part.cameras", lang),
         "ok": f"{count(report.cameras_online, lang)}/{count(report.cameras_configured, lang)}", "detail": ""},
    ]
    rows += [{"part": name, "ok": no, "detail": t("missing.source", lang, name=name)} for name in rm.missing()]
    return rows


def _store_detail(store: dict[str, object], lang: str) -> str:
    error = store.get("last_error")
    spooled = t("admin.detail.store", lang, spooled=count(store.get("spooled", 0), lang))
    return spooled + (f" · {error}" if error else "")


def part_rows(rm: ReadModel, lang: str, report: Report | None = None) -> list[Row]:
    """Every running part of COC (writer, ingest, alerts, cameras ...): its state, restarts and why."""
    report = report or _system(rm).health()
    return [{"part": t(f"part.{p.name}", lang) if has_label(f"part.{p.name}") else p.name,
             "state": t(f"part.state.{p.state.value}", lang), "restarts": count(p.restarts, lang),
             "detail": reason_text(p.detail or "", lang)} for p in report.parts]


def loss_rows(rm: ReadModel, lang: str, report: Report | None = None) -> list[Row]:
    """Readings or messages known lost or set aside, per reason (none in a healthy COC)."""
    report = report or _system(rm).health()
    losses = report.losses if isinstance(report, HealthView) else {}
    return [{"reason": reason_text(reason, lang), "count": count(n, lang)} for reason, n in sorted(losses.items())]


def device_rows(rm: ReadModel, lang: str) -> list[Row]:
    """Every device and camera: state, last seen (local time and age), battery, frames per second, dropped."""
    tz = _tz(rm)
    rows: list[Row] = []
    for s in rm.reads(sensor_reads).sensors():
        battery = s.values.get("battery_v")
        rows.append({
            "device": s.name, "kind": t(f"kind.{s.kind.value}", lang), "state": t(STATE_KEYS[s.state], lang),
            "last_seen": _seen(s.last_seen, s.age_s, tz, lang),
            "battery": f"{number(battery, 2, lang)} V" if battery is not None else None,
        })
    configured = {c.id: c.fps for c in rm.config.cameras}
    for c in rm.reads(camera_reads).cameras():
        state = "online" if c.online else ("offline" if c.last_frame else "never")
        wanted, status = configured.get(c.id), c.status
        rows.append({
            "device": c.name, "kind": t("panel.cameras", lang), "state": t(STATE_KEYS[state], lang),
            "last_seen": _seen(c.last_frame, c.age_s, tz, lang),
            "fps": number(status.fps, 1, lang) if status else None,
            "analysis": (f"{number(status.analysis_fps, 1, lang) if status else '—'} / "
                         f"{number(wanted, 1, lang)}") if wanted is not None else None,
            "dropped": count(status.dropped, lang) if status else None,
        })
    return rows


def _seen(ts: datetime | str | None, age_s: float | None, tz: ZoneInfo, lang: str) -> str | None:
    if not ts:
        return None
    ago = t("wall.ago", lang, age=age_text(age_s, lang)) if age_s is not None else ""
    return f"{local_time(ts, tz, '%d/%m/%Y %H:%M:%S')} ({ago})" if ago else local_time(ts, tz)


def notification_rows(rm: ReadModel, lang: str) -> list[Row]:
    """Channels (webhooks, MQTT) with deliveries that failed or were dropped."""
    return [
        {"channel": name, "failed": f"{count(s.get('failed', 0), lang)} / {count(s.get('sent', 0), lang)}"
                                   f" · {count(s.get('dropped', 0), lang)}"}
        for name, s in sorted(_system(rm).channel_stats().items()) if s.get("failed") or s.get("dropped")
    ]


def folder_use(path: Path) -> tuple[int, int]:
    """Bytes and files under a folder (or of one file); (0, 0) when it does not exist."""
    if path.is_file():
        return path.stat().st_size, 1
    size = files = 0
    for root, _dirs, names in os.walk(path):
        for name in names:
            try:
                size += (Path(root) / name).stat().st_size
                files += 1
            except OSError:  # a file removed while counting
                continue
    return size, files


def disk_rows(rm: ReadModel, lang: str) -> list[Row]:
    """The folders COC fills: data, spool, snapshots and clips (deleted by age and total size)."""
    rows: list[Row] = []
    for what, path in _system(rm).folders():
        size, files = folder_use(path)
        rows.append({"part": t(f"admin.disk.{what}", lang), "path": str(path), "size": size_bytes(size, lang),
                     "files": count(files, lang)})
    return rows


def body(rm: ReadModel, lang: str) -> list[Component]:
    system = _system(rm)
    tz, report = _tz(rm), system.health()
    dead = [{**d.to_json(), "received_at": local_time(d.received_at, tz, "%d/%m/%Y %H:%M:%S"),
             "reason": reason_text(d.reason, lang)} for d in system.dead_letters(50)]
    unknown = [{**unknown_device_json(u), "kind": t(f"kind.{u.kind}", lang) if u.kind in ("air", "flood") else u.kind,
                "last_seen": local_time(u.last_seen, tz, "%d/%m/%Y %H:%M:%S"), "messages": count(u.messages, lang)}
               for u in system.unknown_devices()]
    losses = loss_rows(rm, lang, report)
    return [
        html.H2(t("admin.health", lang)),
        table(health_rows(rm, lang, report), ["part", "ok", "detail"], lang, "admin-health"),
        html.H2(t("admin.parts", lang)),
        table(part_rows(rm, lang, report), ["part", "state", "restarts", "detail"], lang, "admin-parts"),
        html.H2(t("admin.losses", lang)),
        table(losses, ["reason", "count"], lang, "admin-losses") if losses
        else html.Div(t("admin.losses.none", lang), className="missing", id="admin-losses"),
        html.H2(t("admin.devices", lang)),
        table(device_rows(rm, lang), ["device", "kind", "state", "last_seen", "battery", "fps", "analysis", "dropped"],
              lang, "admin-devices"),
        html.P(t("admin.devices.frames", lang), className="kpi-note", id="admin-frames-note"),
        html.H2(t("admin.webhooks", lang)),
        table(notification_rows(rm, lang), ["channel", "failed"], lang, "admin-notifications"),
        html.H2(t("admin.disk", lang)),
        table(disk_rows(rm, lang), ["part", "path", "size", "files"], lang, "admin-disk"),
        html.H2(t("admin.dead", lang)),
        table(dead, ["received_at", "topic", "reason", "payload"], lang, "admin-dead"),
        html.H2(t("admin.unknown", lang)),
        table(unknown, ["kind", "device_id", "last_topic", "last_seen", "messages"], lang, "admin-unknown"),
    ]


def _tz(rm: ReadModel) -> ZoneInfo:
    return _system(rm).tz


def register(app: dash.Dash, rm: ReadModel) -> None:
    admin_users.register(app, rm)
    admin_audit.register(app, rm)

    @app.callback(Output(ids.ADMIN_BODY, "children"), Input(ids.ADMIN_TICK, "n_intervals"))
    def refresh(_n: int | None) -> list[Component]:
        return body(rm, current_lang())

    @app.callback(Output(ids.ADMIN_CONFIG, "children"), Input(ids.ADMIN_CHECK, "n_clicks"),
                  prevent_initial_call=True)
    def check(_n: int | None) -> str:
        return config_check(rm, current_lang())
