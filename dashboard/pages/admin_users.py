"""The users part of /admin: the list (file and admin-made users), adding a user, disabling, resetting a password
and changing a role; every change is audited (dashboard.users)."""

from __future__ import annotations

import dash
from dash import Input, Output, State, dcc, html
from dash import ctx as callback_ctx
from flask import current_app

from dashboard import ids, sessions
from dashboard.auth import current_principal
from dashboard.i18n import current_lang, t
from dashboard.read_model import ReadModel
from dashboard.settings import Role
from dashboard.users import UserBook, UserError, user_book


def role_options(lang: str) -> list[dict[str, str]]:
    return [{"label": t(f"role.{r.value}", lang), "value": r.value} for r in Role]


def forms(lang: str) -> html.Div:
    """The two forms (they sit outside the refreshed tables, so typing is never wiped)."""
    add = html.Div(
        [
            html.H3(t("users.add", lang)),
            dcc.Input(id=ids.USER_NEW_NAME, placeholder=t("admin.col.username", lang), className="note"),
            dcc.Input(id=ids.USER_NEW_DISPLAY, placeholder=t("admin.col.name", lang), className="note"),
            dcc.Dropdown(id=ids.USER_NEW_ROLE, options=role_options(lang), value=Role.OPERATOR.value,
                         clearable=False, className="role-pick"),
            dcc.Input(id=ids.USER_NEW_PASSWORD, type="password", placeholder=t("users.password", lang),
                      className="note"),
            html.Button(t("users.save", lang), id=ids.USER_ADD, className="btn"),
        ],
        className="toolbar user-form",
    )
    manage = html.Div(
        [
            dcc.Dropdown(id=ids.USER_PICK, placeholder=t("admin.col.username", lang), className="user-pick"),
            html.Button(t("users.disable", lang), id=ids.USER_DISABLE, className="btn btn-quiet"),
            html.Button(t("users.enable", lang), id=ids.USER_ENABLE, className="btn btn-quiet"),
            dcc.Input(id=ids.USER_PASSWORD, type="password", placeholder=t("users.password", lang),
                      className="note"),
            html.Button(t("users.reset", lang), id=ids.USER_RESET, className="btn btn-quiet"),
            dcc.Dropdown(id=ids.USER_ROLE, options=role_options(lang), placeholder=t("admin.col.role", lang),
                         className="role-pick"),
            html.Button(t("users.role", lang), id=ids.USER_SETROLE, className="btn btn-quiet"),
        ],
        className="toolbar user-form",
    )
    return html.Div([add, manage, html.Div(id=ids.USER_DONE, className="done", role="status")],
                    className="card users-card")


def users_table(book: UserBook, lang: str) -> html.Table:
    head = html.Tr([html.Th(t(f"admin.col.{c}", lang)) for c in ("username", "name", "role", "source", "active")])
    rows = [
        html.Tr(
            [
                html.Td(u.username),
                html.Td(u.display_name or "—"),
                html.Td(t(f"role.{u.role.value}", lang)),
                html.Td(t("users.from_yaml" if u.source == "yaml" else "users.from_db", lang)),
                html.Td(t("no" if u.disabled else "yes", lang)),
            ],
            id=f"admin-user-{u.username}",
            className="user-disabled" if u.disabled else "",
        )
        for u in book.all()
    ]
    return html.Table([html.Thead(head), html.Tbody(rows)], className="data-table users-table")


def _act(book: UserBook, actor: str, trigger: str | None, values: dict[str, str | None]) -> str:
    """Run the change the pressed button asks for; returns the changed user's name."""
    if trigger == ids.USER_ADD:
        return book.add(actor, values["new_name"] or "", values["new_role"] or "", values["new_password"] or "",
                        values["new_display"] or "").username
    name = values["pick"]
    if not name:
        raise UserError("Chọn một người dùng")
    if trigger in (ids.USER_DISABLE, ids.USER_ENABLE):
        book.set_disabled(actor, name, trigger == ids.USER_DISABLE)
    elif trigger == ids.USER_RESET:
        book.set_password(actor, name, values["password"] or "")
    elif trigger == ids.USER_SETROLE:
        if not values["role"]:
            raise UserError("Chọn vai trò mới")
        book.set_role(actor, name, values["role"])
    return name


def register(app: dash.Dash, rm: ReadModel) -> None:
    @app.callback(
        Output(ids.USER_DONE, "children"),
        Output(ids.USER_TABLE, "children"),
        Output(ids.USER_PICK, "options"),
        Input(ids.ADMIN_TICK, "n_intervals"),
        Input(ids.USER_ADD, "n_clicks"),
        Input(ids.USER_DISABLE, "n_clicks"),
        Input(ids.USER_ENABLE, "n_clicks"),
        Input(ids.USER_RESET, "n_clicks"),
        Input(ids.USER_SETROLE, "n_clicks"),
        State(ids.USER_NEW_NAME, "value"),
        State(ids.USER_NEW_DISPLAY, "value"),
        State(ids.USER_NEW_ROLE, "value"),
        State(ids.USER_NEW_PASSWORD, "value"),
        State(ids.USER_PICK, "value"),
        State(ids.USER_PASSWORD, "value"),
        State(ids.USER_ROLE, "value"),
        prevent_initial_call=True,
    )
    def change(*args: int | str | None) -> tuple[object, object, object]:  # the 6 buttons' clicks, the 7 fields
        """The users table every tick, and a change when a button was pressed (each output: a component, the
        options, or dash.no_update)."""
        new_name, new_display, new_role, new_password, pick, password, role = (
            str(a) if a is not None else None for a in args[6:])
        principal = current_principal()
        if principal is None or principal.role is not Role.ADMIN:  # the guard refuses it before this
            return dash.no_update, dash.no_update, dash.no_update
        lang, book = current_lang(), rm.reads(user_book)
        if callback_ctx.triggered_id in (None, ids.ADMIN_TICK):
            return dash.no_update, users_table(book, lang), pick_options(book)
        values = {"new_name": new_name, "new_display": new_display, "new_role": new_role,
                  "new_password": new_password, "pick": pick, "password": password, "role": role}
        trigger = callback_ctx.triggered_id
        try:
            name = _act(book, principal.name, trigger, values)
        except (UserError, ValueError) as exc:
            return html.Span(str(exc), className="error"), dash.no_update, dash.no_update
        if trigger in (ids.USER_DISABLE, ids.USER_RESET, ids.USER_SETROLE):
            # a disabled user, or one whose password or role changed, must log in again
            sessions.store(current_app).revoke_user(name, principal.name)
        return t("users.done", lang, name=name), users_table(book, lang), pick_options(book)


def pick_options(book: UserBook) -> list[dict[str, str]]:
    return [{"label": u.username, "value": u.username} for u in book.all()]
