"""Admin page /admin: health of the parts, devices and cameras, failed notifications, disk use, the running
configuration checked, rejected messages, undeclared devices, users (admin_users), the room's audit log and the login
sessions (admin_audit)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import dash
from dash import Input, Output, dcc, html

from dashboard import ids
from dashboard.formats import count, local_time, number, size_bytes
from dashboard.i18n import age_text, current_lang, has_label, t
from dashboard.pages import admin_audit, admin_users
from dashboard.pages.admin_config import config_check
from dashboard.pages.admin_deliveries import section as deliveries_section
from dashboard.read.alerts import alert_reads
from dashboard.read_model import ReadModel
from dashboard.reasons import reason_text
from dashboard.sensor_view import state_of
from dashboard.users import user_book

STATE_KEYS = {"online": "wall.online", "offline": "wall.offline", "never": "wall.never"}


def layout(_rest: str, rm: ReadModel, lang: str, _role: Any) -> Any:
    book = user_book(rm.ctx)
    return html.Div(
        [
            html.H1(t("admin.title", lang)),
            dcc.Interval(id=ids.ADMIN_TICK, interval=5000),
            html.Div(id=ids.ADMIN_BODY, children=body(rm, lang)),
            admin_audit.audit_section(rm, lang),
            admin_audit.session_section(lang, _tz(rm)),
            deliveries_section(rm.reads(alert_reads), lang),  # SMS, ZNS, Telegram, e-mail to people on duty (issue 21)
            html.H2(t("admin.users", lang)),
            admin_users.forms(lang),
            html.Div(admin_users.users_table(book, lang), id=ids.USER_TABLE),
            html.H2(t("admin.config", lang)),
            html.Button(t("admin.config", lang), id=ids.ADMIN_CHECK, className="btn btn-quiet"),
            html.Pre(config_check(rm, lang), id=ids.ADMIN_CONFIG, className="config-check"),
        ],
        className="admin",
    )


def table(rows: list[dict[str, Any]], columns: list[str], lang: str, table_id: str | None = None) -> Any:
    """A plain table; `columns` are row keys, their headings come from the label table (admin.col.<key>)."""
    if not rows:
        return html.Div(t("missing", lang), className="missing")
    head = html.Tr([html.Th(t(f"admin.col.{c}", lang)) for c in columns])
    labels = [""] + [t(f"admin.col.{c}", lang) for c in columns[1:]]  # a phone stacks each row (phone.css)
    body_rows = [
        html.Tr([html.Td(str(r.get(c) if r.get(c) is not None else "—")[:200], **{"data-label": k})
                 for c, k in zip(columns, labels, strict=True)]) for r in rows
    ]
    extra = {"id": table_id} if table_id else {}
    return html.Table([html.Thead(head), html.Tbody(body_rows)], className="data-table stack-table", **extra)


def health_rows(rm: ReadModel, lang: str, report: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One row per part: MQTT, store, cameras, and every service that is not running."""
    report, tz = report or rm.health(), _tz(rm)
    yes, no = t("yes", lang), t("no", lang)
    if "communes" in report:  # a province center: no broker or cameras of its own; each commune's store
        return [{"part": t("admin.part.store", lang, backend=doc["name"]), "ok": yes if doc["store"].get("ok") else no,
                 "detail": t("admin.detail.store", lang, spooled=count(doc["store"].get("spooled", 0), lang))
                 + (f" · {doc['store']['last_error']}" if doc["store"].get("last_error") else "")}
                for doc in report["communes"].values()]
    mqtt, store, cams = report["mqtt"], report["store"], report["cameras"]
    rows = [
        {
            "part": t("admin.part.mqtt", lang),
            "ok": yes if mqtt.get("connected") else no,
            "detail": t("admin.detail.mqtt", lang, messages=count(mqtt.get("messages", 0), lang),
                        rejected=count(mqtt.get("rejected", 0), lang),
                        last=local_time(mqtt.get("last_message_time"), tz, "%d/%m/%Y %H:%M:%S")),
        },
        {
            "part": t("admin.part.store", lang, backend=store.get("backend")),
            "ok": yes if store.get("ok") else no,
            "detail": t("admin.detail.store", lang, spooled=count(store.get("spooled", 0), lang))
            + (f" · {store['last_error']}" if store.get("last_error") else ""),
        },
        {"part": t("admin.part.cameras", lang),
         "ok": f"{count(cams.get('online', 0), lang)}/{count(cams.get('configured', 0), lang)}", "detail": ""},
    ]
    rows += [
        {"part": name, "ok": no, "detail": t("missing.source", lang, name=name)} for name in report["missing"]
    ]
    return rows


def part_rows(rm: ReadModel, lang: str, report: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every running part of COC (writer, ingest, alerts, cameras ...): its state, restarts and why."""
    report = report or rm.health()
    return [{"part": t(f"part.{p['name']}", lang) if has_label(f"part.{p['name']}") else p["name"],
             "state": t(f"part.state.{p['state']}", lang), "restarts": count(p["restarts"], lang),
             "detail": reason_text(p["detail"] or "", lang)} for p in report.get("parts", [])]


def loss_rows(rm: ReadModel, lang: str, report: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Readings or messages known lost or set aside, per reason (none in a healthy COC)."""
    report = report or rm.health()
    return [{"reason": reason_text(reason, lang), "count": count(n, lang)}
            for reason, n in sorted(report.get("losses", {}).items())]


def device_rows(rm: ReadModel, lang: str) -> list[dict[str, Any]]:
    """Every device and camera: state, last seen (local time and age), battery, frames per second, dropped."""
    tz = _tz(rm)
    rows = []
    for s in rm.sensors():
        battery = (s.get("values") or {}).get("battery_v")
        rows.append({
            "device": s["name"], "kind": t(f"kind.{s['kind']}", lang), "state": t(STATE_KEYS[state_of(s)], lang),
            "last_seen": _seen(s.get("last_seen"), s.get("age_s"), tz, lang),
            "battery": f"{number(battery, 2, lang)} V" if battery is not None else None,
        })
    configured = {c.id: c.fps for c in rm.ctx.config.cameras}
    for c in rm.cameras():
        state = "online" if c.get("online") else ("offline" if c.get("last_frame") else "never")
        wanted = configured.get(c["id"])
        measured = c.get("analysis_fps")
        rows.append({
            "device": c["name"], "kind": t("panel.cameras", lang), "state": t(STATE_KEYS[state], lang),
            "last_seen": _seen(c.get("last_frame"), c.get("age_s"), tz, lang),
            "fps": number(c.get("fps"), 1, lang) if c.get("fps") is not None else None,
            "analysis": (f"{number(measured, 1, lang) if measured is not None else '—'} / "
                         f"{number(wanted, 1, lang)}") if wanted is not None else None,
            "dropped": count(c.get("dropped"), lang) if c.get("dropped") is not None else None,
        })
    return rows


def _seen(ts: Any, age_s: Any, tz: ZoneInfo, lang: str) -> str | None:
    if not ts:
        return None
    ago = t("wall.ago", lang, age=age_text(age_s, lang)) if age_s is not None else ""
    return f"{local_time(ts, tz, '%d/%m/%Y %H:%M:%S')} ({ago})" if ago else local_time(ts, tz)


def notification_rows(rm: ReadModel, lang: str) -> list[dict[str, Any]]:
    """Channels (webhooks, MQTT) with deliveries that failed or were dropped."""
    stats = rm.ctx.alerts.channel_stats() if rm.ctx.alerts is not None else {}
    return [
        {"channel": name, "failed": f"{count(s.get('failed', 0), lang)} / {count(s.get('sent', 0), lang)}"
                                   f" · {count(s.get('dropped', 0), lang)}"}
        for name, s in sorted(stats.items()) if s.get("failed") or s.get("dropped")
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


def disk_rows(rm: ReadModel, lang: str) -> list[dict[str, Any]]:
    storage = rm.ctx.config.storage
    places = [("admin.disk.data", storage.sqlite.path.parent), ("admin.disk.spool", storage.spool_dir)]
    hub = rm.ctx.cameras
    snapshots = getattr(getattr(hub, "system", None), "snapshot_dir", None)
    if snapshots is not None:
        places.append(("admin.disk.snapshots", Path(snapshots)))
    clips = getattr(getattr(hub, "system", None), "clip_dir", None)
    if clips is not None:  # event clips, deleted by age and total size like snapshots (camera.clip_max_*)
        places.append(("admin.disk.clips", Path(clips)))
    rows = []
    for key, path in places:
        size, files = folder_use(Path(path))
        rows.append({"part": t(key, lang), "path": str(path), "size": size_bytes(size, lang),
                     "files": count(files, lang)})
    return rows


def body(rm: ReadModel, lang: str) -> list[Any]:
    tz, report = _tz(rm), rm.health()
    dead = [
        {**d, "received_at": local_time(d.get("received_at"), tz, "%d/%m/%Y %H:%M:%S"),
         "reason": reason_text(str(d.get("reason") or ""), lang)}
        for d in rm.dead_letters(50)
    ]
    unknown = [
        {**u, "kind": t(f"kind.{u.get('kind')}", lang) if u.get("kind") in ("air", "flood") else u.get("kind"),
         "last_seen": local_time(u.get("last_seen"), tz, "%d/%m/%Y %H:%M:%S"),
         "messages": count(u.get("messages"), lang)}
        for u in rm.unknown_devices()
    ]
    return [
        html.H2(t("admin.health", lang)),
        table(health_rows(rm, lang, report), ["part", "ok", "detail"], lang, "admin-health"),
        html.H2(t("admin.parts", lang)),
        table(part_rows(rm, lang, report), ["part", "state", "restarts", "detail"], lang, "admin-parts"),
        html.H2(t("admin.losses", lang)),
        table(loss_rows(rm, lang, report), ["reason", "count"], lang, "admin-losses") if report.get("losses")
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
    return ZoneInfo(rm.ctx.config.commune.timezone)


def register(app: dash.Dash, rm: ReadModel) -> None:
    admin_users.register(app, rm)
    admin_audit.register(app, rm)

    @app.callback(Output(ids.ADMIN_BODY, "children"), Input(ids.ADMIN_TICK, "n_intervals"))
    def refresh(_n: int) -> Any:
        return body(rm, current_lang())

    @app.callback(Output(ids.ADMIN_CONFIG, "children"), Input(ids.ADMIN_CHECK, "n_clicks"),
                  prevent_initial_call=True)
    def check(_n: int) -> str:
        return config_check(rm, current_lang())
