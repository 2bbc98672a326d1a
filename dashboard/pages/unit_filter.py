"""The "Xã cũ" (former commune) dropdown of /sensors, /alerts and /cameras: filled from `?unit=` when the page
opens, and written back to the address when changed. Hidden when the commune has no former units (the component
stays, so the page's callbacks always have their input)."""

from __future__ import annotations

import dash
from dash import Input, Output, State, dcc, html

from config.commune import CommuneConfig
from dashboard import ids
from dashboard.former_units import unit_from_search
from dashboard.i18n import t

# Keeps ?unit= in the address (history.replaceState: the page is not loaded again) and leaves other parameters.
ADDRESS_JS = """function(unit) {
    var query = new URLSearchParams(window.location.search);
    if (unit) { query.set('unit', unit); } else { query.delete('unit'); }
    var text = query.toString();
    var next = window.location.pathname + (text ? '?' + text : '');
    if (next !== window.location.pathname + window.location.search) {
        window.history.replaceState(window.history.state, '', next);
    }
    return unit || '';
}"""


def unit_picker(component_id: str, address_id: str, commune: CommuneConfig, lang: str) -> html.Div:
    """The dropdown of the commune's former units (none chosen: all of them)."""
    return html.Div(
        [
            html.Span(t("unit.label", lang), className="unit-label"),
            dcc.Dropdown(
                id=component_id,
                options=[{"label": u.name, "value": u.id} for u in commune.former_units],
                value=None,
                placeholder=t("unit.all", lang),
                className="unit-pick",
                searchable=False,
            ),
            dcc.Store(id=address_id),
        ],
        className="unit-filter",
        style=None if commune.former_units else {"display": "none"},
    )


def register_unit_picker(app: dash.Dash, component_id: str, address_id: str, commune: CommuneConfig,
                         path: str) -> None:
    """`?unit=` chooses the unit when the page at `path` opens; a choice goes back into the address."""

    @app.callback(Output(component_id, "value"), Input(ids.URL, "search"), State(ids.URL, "pathname"))
    def from_address(search: str | None, pathname: str | None) -> str | None:
        if (pathname or "").rstrip("/") != path:
            raise dash.exceptions.PreventUpdate
        return unit_from_search(search, commune)

    app.clientside_callback(ADDRESS_JS, Output(address_id, "data"), Input(component_id, "value"),  # type: ignore[no-untyped-call]  # Dash leaves it unannotated
                            prevent_initial_call=True)
