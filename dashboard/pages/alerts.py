"""Alerts page /alerts: alarms grouped by place (and first by former commune when the commune has some) with peak
and current value, state and timeline; filters by state, text and former commune (`?unit=`); acknowledge
("Tiếp nhận"), close ("Hoàn thành xử lý") and shelve for operators and admins.

Rows sit in fixed slots (ordered with CSS `order`): the 5-second refresh redraws only what changed, and a row's
note and buttons are never redrawn while a note is typed in it (Dash remounts every child of a container whose
children change, which would wipe the note and its focus)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import dash
from dash import ALL, Input, Output, State, dcc, html
from dash.development.base_component import Component

from dashboard import ids
from dashboard.auth import Principal, current_principal
from dashboard.i18n import current_lang, t
from dashboard.pages import alerts_table as tbl
from dashboard.pages.alert_actions import data_span, done_text
from dashboard.pages.shell import missing_note
from dashboard.pages.unit_filter import register_unit_picker, unit_picker
from dashboard.read.alerts import ActResult, AlertReads, AlertView, alert_reads
from dashboard.read_model import ReadModel
from dashboard.settings import Role

STATUSES = ("active", "unacknowledged", "acknowledged", "cleared", "closed", "all")
ACT_ROLES = (Role.ADMIN, Role.OPERATOR)
SLOTS = 150  # rows and place headers on the page
HISTORY_ROWS = 60  # rows that carry their timeline (the first, most urgent ones)
ROW_IDS = {"note": ids.ALERT_NOTE, "ack": ids.ALERT_ACK, "resolve": ids.ALERT_RESOLVE, "shelve": ids.ALERT_SHELVE}
HIDDEN = {"display": "none"}
Item = dict[str, str | Component | None]  # a slot's content: cls, sig, ctl_sig (text), body, ctl (components)
Shown = dict[str, list[str | int]]  # slot -> [key, sig, ctl_sig, order, cls], kept in the browser
Answer = str | dict[str, object] | None  # a "done" span as the browser sends it back (a Dash component's JSON)


def layout(_rest: str, rm: ReadModel, lang: str, role: Role | None) -> html.Div:
    reads = rm.reads(alert_reads)
    note = [] if role in ACT_ROLES else [html.Span(t("readonly", lang), className="readonly")]
    choices = reads.settings.shelving.choices_min
    shelving = [
        dcc.Dropdown(id=ids.ALERTS_SHELVE_MIN, value=choices[0], clearable=False, searchable=False,
                     className="alerts-shelve-min",
                     options=[{"label": t("takeover.shelve", lang) + " " + t("takeover.minutes", lang, n=f"{m:g}"),
                               "value": m} for m in choices]),
    ] if role in ACT_ROLES else []
    slots = [
        html.Div([html.Div(id={"type": ids.ALERTS_SLOT_BODY, "slot": i}, className="alert-slot-body"),
                  html.Div(id={"type": ids.ALERTS_SLOT_CTL, "slot": i}, className="alert-slot-ctl")],
                 id={"type": ids.ALERTS_SLOT, "slot": i}, className="alert-slot", style=HIDDEN)
        for i in range(SLOTS)
    ]
    return html.Div(
        [
            html.H1([t("alerts.title", lang), *note]),
            dcc.Interval(id=ids.ALERTS_TICK, interval=5000),
            dcc.Store(id=ids.ALERTS_SHOWN, data={}),
            html.Div(
                [
                    dcc.RadioItems(
                        id=ids.ALERTS_STATUS,
                        value="active",
                        inline=True,
                        className="filters",
                        options=[{"label": t(f"status.{s}", lang), "value": s} for s in STATUSES],
                    ),
                    dcc.Input(id=ids.ALERTS_KIND, placeholder=t("alerts.kind", lang), className="note",
                              debounce=True),
                    unit_picker(ids.ALERTS_UNIT, ids.ALERTS_UNIT_URL, reads.commune, lang),
                    *shelving,
                ],
                className="toolbar",
            ),
            html.Div([html.Span(id=ids.ALERT_ACK_DONE), html.Span(id=ids.ALERT_SHELVE_DONE)], className="done"),
            html.Div(id=ids.ALERTS_TABLE, className="alert-note"),
            html.Div(slots, className="alert-table alert-slots"),
        ],
        className="alerts-page",
    )


def matches(view: AlertView, text: str | None) -> bool:
    if not text:
        return True
    a = view.alert
    hay = " ".join((a.rule, a.title_vi, a.title_en, a.source.value, a.severity.value, a.place, a.detail))
    return text.lower() in hay.lower()


def items(reads: AlertReads, status: str, kind: str | None, lang: str, can_act: bool,
          slots: int = SLOTS, unit: str | None = None) -> dict[str, Item]:
    """Every former-commune header (when the commune has former communes), place header and alarm row in screen
    order: key → class, body, controls and their signatures. `unit` keeps one former commune's alarms."""
    rows = tbl.once_per_chatter([a for a in reads.alerts(status or "active", unit=unit) if matches(a, kind)])
    when = tbl.local_text(reads.local)
    window = t("takeover.minutes", lang, n=f"{reads.settings.chattering.window_min:g}")
    out: dict[str, Item] = {}
    index = 0
    for prefix, members_of_unit in _sections(reads, rows, lang, out):
        for place, members in tbl.by_place(members_of_unit).items():
            out[f"g:{prefix}{place}"] = {"cls": "alert-slot alert-group-slot", "sig": str(len(members)),
                                         "ctl_sig": "", "body": tbl.group_header(place, len(members), lang),
                                         "ctl": None}
            for view in members:
                alert = view.alert
                steps = reads.history(alert.id) if index < HISTORY_ROWS else ()
                index += 1
                status_name = alert.status.value
                out[f"r:{alert.id}"] = {
                    "cls": f"alert-slot alert-row sev-{alert.severity.value} st-{status_name}",
                    "sig": tbl.signature(alert, len(steps)) + lang,
                    "ctl_sig": f"{status_name}|{can_act}|{lang}",
                    "body": tbl.body(alert, lang, steps, when, window),
                    "ctl": tbl.controls(alert, lang, ROW_IDS) if can_act else None,
                }
                if len(out) >= slots:
                    return out
    return out


def _sections(reads: AlertReads, rows: Sequence[AlertView], lang: str,
              out: dict[str, Item]) -> Iterator[tuple[str, list[AlertView]]]:
    """The rows of each former commune in turn, its header put into `out` just before them (all rows in one
    section when the commune has none), each with the prefix that keeps its place headers apart from another
    unit's; the rows of no former commune last."""
    units = reads.commune.former_units
    if not units:
        yield "", list(rows)
        return
    known = {u.id for u in units}
    groups: list[tuple[str | None, str, list[AlertView]]] = [
        (u.id, u.name, [r for r in rows if r.alert.former_unit == u.id]) for u in units]
    groups.append((None, t("unit.none", lang), [r for r in rows if r.alert.former_unit not in known]))
    for unit, name, members in groups:
        if not members:
            continue
        prefix = f"{unit or ''}:"
        out[f"u:{prefix}"] = {"cls": "alert-slot alert-unit-slot", "sig": f"{len(members)}{lang}",
                              "ctl_sig": "", "body": tbl.unit_header(name, len(members), lang), "ctl": None}
        yield prefix, members


def register(app: dash.Dash, rm: ReadModel) -> None:
    slot_all = {"slot": ALL}
    register_unit_picker(app, ids.ALERTS_UNIT, ids.ALERTS_UNIT_URL, rm.reads(alert_reads).commune, "/alerts")

    @app.callback(
        Output({"type": ids.ALERTS_SLOT, **slot_all}, "style"),
        Output({"type": ids.ALERTS_SLOT, **slot_all}, "className"),
        Output({"type": ids.ALERTS_SLOT_BODY, **slot_all}, "children"),
        Output({"type": ids.ALERTS_SLOT_CTL, **slot_all}, "children"),
        Output(ids.ALERTS_SHOWN, "data"),
        Output(ids.ALERTS_TABLE, "children"),
        Input(ids.ALERTS_STATUS, "value"),
        Input(ids.ALERTS_KIND, "value"),
        Input(ids.ALERTS_UNIT, "value"),
        Input(ids.ALERTS_TICK, "n_intervals"),
        Input(ids.ALERT_ACK_DONE, "children"),
        Input(ids.ALERT_SHELVE_DONE, "children"),
        State({"type": ids.ALERT_NOTE, "alert": ALL}, "value"),
        State(ids.ALERTS_SHOWN, "data"),
    )
    def table(status: str, kind: str | None, unit: str | None, _n: int | None, done: Answer, shelved: Answer,
              _notes: list[str | None], shown: Shown | None) -> tuple[object, ...]:
        lang = current_lang()
        slots = len(dash.callback_context.outputs_list[0])  # as many as the page has
        reads = rm.reads(alert_reads)
        if not reads.running:
            return ([HIDDEN] * slots, ["alert-slot"] * slots, [None] * slots, [None] * slots, {},
                    missing_note(lang, "alerts"))
        principal = current_principal()
        can_act = principal is not None and principal.role in ACT_ROLES
        chosen = unit if unit and reads.commune.former_unit(unit) else None
        wanted = items(reads, status, kind, lang, can_act, slots, chosen)
        trigger = dash.callback_context.triggered_id
        acted = _acted({ids.ALERT_ACK_DONE: done, ids.ALERT_SHELVE_DONE: shelved}.get(trigger))
        none = None if wanted else html.Div(t("alerts.none", lang), className="calm")
        return (*fill(wanted, shown or {}, _editing() - {acted}, acted, slots), none)

    @app.callback(
        Output(ids.ALERT_ACK_DONE, "children"),
        Input({"type": ids.ALERT_ACK, "alert": ALL}, "n_clicks"),
        Input({"type": ids.ALERT_RESOLVE, "alert": ALL}, "n_clicks"),
        State({"type": ids.ALERT_NOTE, "alert": ALL}, "value"),
        prevent_initial_call=True,
    )
    def act(_acks: list[int | None], _resolves: list[int | None], _notes: list[str | None]) -> html.Span | None:
        clicked = _clicked()
        if clicked is None:
            raise dash.exceptions.PreventUpdate
        alert_id, kind, note, principal = clicked
        reads = rm.reads(alert_reads)
        verb = reads.acknowledge if kind == ids.ALERT_ACK else reads.resolve
        return _done(reads, alert_id, verb(alert_id, principal.name, principal.role, note[:500]))

    @app.callback(
        Output(ids.ALERT_SHELVE_DONE, "children"),
        Input({"type": ids.ALERT_SHELVE, "alert": ALL}, "n_clicks"),
        State({"type": ids.ALERT_NOTE, "alert": ALL}, "value"),
        State(ids.ALERTS_SHELVE_MIN, "value"),
        prevent_initial_call=True,
    )
    def shelve(_shelves: list[int | None], _notes: list[str | None], minutes: float | None) -> html.Span:
        clicked = _clicked()
        if clicked is None:
            raise dash.exceptions.PreventUpdate
        alert_id, _kind, reason, principal = clicked
        if not reason:
            return html.Span("⚠ " + t("takeover.need_reason", current_lang()) + f" ({t('note', current_lang())})")
        reads = rm.reads(alert_reads)
        chosen = float(minutes or reads.settings.shelving.choices_min[0])
        return _done(reads, alert_id, reads.shelve(alert_id, principal.name, principal.role, chosen, reason[:300]))


def fill(wanted: dict[str, Item], shown: Shown, editing: set[str], redraw: str | None = None,
         slots: int = SLOTS) -> tuple[list[object], list[object], list[object], list[object], Shown]:
    """Per slot: style, class, body and controls (dash.no_update where nothing changed; the controls of a row
    being edited stay as they are; `redraw`'s are redrawn, its note sent), and what the slots now show:
    {slot: [key, sig, ctl_sig, order, cls]}."""
    previous = {int(slot): str(entry[0]) for slot, entry in shown.items()}
    placed = tbl.assign(previous, list(wanted), slots)
    order = {key: n for n, key in enumerate(wanted)}
    nothing = dash.no_update
    style: list[object] = [nothing] * slots
    cls: list[object] = [nothing] * slots
    body: list[object] = [nothing] * slots
    ctl: list[object] = [nothing] * slots
    now: Shown = {}
    for slot in range(slots):
        old = shown.get(str(slot)) or []
        key = placed.get(slot)
        if key is None:
            if old:
                style[slot], cls[slot], body[slot], ctl[slot] = HIDDEN, "alert-slot", None, None
            continue
        item, same = wanted[key], bool(old) and old[0] == key
        item_cls, sig, ctl_sig = str(item["cls"]), str(item["sig"]), str(item["ctl_sig"])
        if not same or old[3] != order[key]:
            style[slot] = {"order": order[key]}
        if not same or old[4] != item_cls:
            cls[slot] = item_cls
        if not same or old[1] != sig:
            body[slot] = item["body"]
        if not same or key == redraw or (old[2] != ctl_sig and key not in editing):
            ctl[slot] = item["ctl"]
        elif old[2] != ctl_sig:
            ctl_sig = str(old[2])  # redrawn once the note is sent or cleared
        now[str(slot)] = [key, sig, ctl_sig, order[key], item_cls]
    return style, cls, body, ctl, now


def _editing() -> set[str]:
    """Rows with a note typed in them."""
    states = dash.callback_context.states_list
    notes = states[0] if states and isinstance(states[0], list) else []
    return {f"r:{s['id']['alert']}" for s in notes if (s.get("value") or "").strip()}


def _acted(done: Answer) -> str | None:
    """The row an action just ran on (its note went with it: the refresh the action triggers redraws its
    controls with an empty note)."""
    props = done.get("props") if isinstance(done, dict) else None
    if isinstance(props, dict) and props.get("data-alert"):
        return f"r:{props['data-alert']}"
    return None


def _clicked() -> tuple[str, str, str, Principal] | None:
    """The row whose button was clicked: (alert id, button type, the note typed beside it, the person)."""
    trigger = dash.callback_context.triggered_id
    principal = current_principal()
    if principal is None or principal.role not in ACT_ROLES or not isinstance(trigger, dict):
        return None
    if not any(v.get("value") for v in dash.callback_context.triggered):
        return None  # a row appearing (n_clicks None), not a click
    notes = dash.callback_context.states_list[0] if dash.callback_context.states_list else []
    note = next((s.get("value") for s in notes if s["id"].get("alert") == trigger["alert"]), None) or ""
    return str(trigger["alert"]), str(trigger["type"]), note.strip(), principal


def _done(reads: AlertReads, alert_id: str, result: ActResult) -> html.Span:
    text = f"⚠ {result.error}" if result.error else done_text(reads, alert_id, current_lang())
    return data_span(text, alert=alert_id)
