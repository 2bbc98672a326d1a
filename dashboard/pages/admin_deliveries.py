"""The /admin section on messages to people on duty: per channel (SMS, Zalo ZNS, Telegram, e-mail) how many are
queued, sent and failed, and the latest failures with their reason and attempts."""

from __future__ import annotations

from dash import html

from alerts.messages import local_time
from dashboard.i18n import t
from dashboard.read.alerts import AlertReads

CHANNEL_NAMES = {"sms": "SMS (gammu-smsd)", "zns": "Zalo ZNS", "telegram": "Telegram", "email": "E-mail"}
Cell = str | int | None


def _table(head: list[str], rows: list[list[Cell]], table_id: str, lang: str) -> html.Div | html.Table:
    if not rows:
        return html.Div(t("deliv.none", lang), className="missing", id=table_id)
    return html.Table([html.Thead(html.Tr([html.Th(t(f"deliv.col.{h}", lang)) for h in head])),
                       html.Tbody([html.Tr([html.Td(str(c)[:200]) for c in row]) for row in rows])],
                      className="data-table", id=table_id)


def section(reads: AlertReads, lang: str) -> html.Div:
    """The section (empty when the alert service, and with it the duty desk, is not running)."""
    desk = reads.duty_desk()
    if desk is None:
        return html.Div()
    tz = reads.commune.timezone
    counts = desk.deliveries.counts()
    totals: list[list[Cell]] = [[CHANNEL_NAMES.get(ch, ch), c["queued"], c["sent"], c["failed"]]
                                for ch, c in sorted(counts.items())]
    failed: list[list[Cell]] = [
        [local_time(d.updated_at, tz), d.username, CHANNEL_NAMES.get(d.channel, d.channel), d.address, d.attempts,
         d.reason, d.alert_id] for d in desk.deliveries.list(status="failed", limit=20)]
    return html.Div([
        html.H2(t("deliv.title", lang)),
        _table(["channel", "queued", "sent", "failed"], totals, "admin-deliveries", lang),
        html.H3(t("deliv.failures", lang)),
        _table(["at", "person", "channel", "address", "attempts", "reason", "alarm"], failed,
               "admin-delivery-failures", lang),
    ], className="admin-deliveries")
