"""Pure Plotly figure builders for the pages: trends, flood chart with alarm lines, offline map, KPI charts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from dashboard.sensor_view import FLOOD_COLOURS

TEXT = "#e6edf7"
GRID = "rgba(230,237,247,0.12)"
NO_BAR = {"displayModeBar": False, "staticPlot": False}
KPI_STATUS_COLOURS = {"met": "#2e9d4f", "near": "#f0c419", "behind": "#e03131", "no_target": "#8fb8ff",
                      "no_value": "#6b7280"}
EXPORT_BAR = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def _base(height: int | None = None, font_px: int = 14) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", font={"color": TEXT, "size": font_px},
        margin={"l": 48, "r": 12, "t": 8, "b": 32}, showlegend=False, height=height,
        xaxis={"gridcolor": GRID, "zeroline": False, "nticks": 5, "tickformat": "%H:%M"},
        yaxis={"gridcolor": GRID, "zeroline": False, "nticks": 5},
    )
    return fig


def trend_figure(points: Sequence[Sequence[Any]], colour: str, unit: str, font_px: int = 14) -> go.Figure:
    """A filled line of [[iso time, value], ...]."""
    fig = _base(font_px=font_px)
    fig.add_trace(go.Scatter(
        x=[p[0] for p in points], y=[p[1] for p in points], mode="lines", line={"color": colour, "width": 3},
        fill="tozeroy", fillcolor="rgba(143,184,255,0.12)", hovertemplate=f"%{{y:.1f}} {unit}<extra></extra>",
    ))
    fig.update_yaxes(rangemode="tozero")
    return fig


def flood_figure(points: Sequence[Sequence[Any]], levels_cm: Sequence[float], font_px: int = 14) -> go.Figure:
    """Water level over time against the three alarm lines (báo động I, II, III)."""
    fig = trend_figure(points, "#8fb8ff", "cm", font_px)
    for n, level in enumerate(levels_cm, start=1):
        fig.add_hline(y=level, line={"color": FLOOD_COLOURS[n], "dash": "dash", "width": 2},
                      annotation_text=f"BĐ {'I' * n if n < 3 else 'III'}", annotation_font_color=FLOOD_COLOURS[n],
                      annotation_position="top left", annotation_font_size=font_px * 0.75)
    top = max([levels_cm[-1] * 1.1] + [p[1] * 1.05 for p in points]) if levels_cm else None
    fig.update_yaxes(range=[min([0.0] + [p[1] for p in points]), top])
    return fig


def map_figure(markers: Sequence[dict[str, Any]], centre: tuple[float, float] | None, font_px: int = 14) -> go.Figure:
    """An offline map: markers on a plain longitude/latitude plane (no tiles), coloured by state."""
    fig = _base(font_px=font_px)
    for group in ("sensor", "camera"):
        items = [m for m in markers if m["group"] == group]
        if not items:
            continue
        fig.add_trace(go.Scatter(
            x=[m["lon"] for m in items], y=[m["lat"] for m in items], mode="markers+text",
            text=[m["label"] for m in items], textposition="top center", textfont={"size": font_px},
            marker={"color": [m["colour"] for m in items], "size": font_px * (1.6 if group == "sensor" else 1.1),
                    "symbol": "circle" if group == "sensor" else "square", "line": {"color": "#0b1220", "width": 2}},
            hovertext=[m.get("hover", m["label"]) for m in items], hoverinfo="text",
        ))
    if centre:
        fig.add_trace(go.Scatter(x=[centre[1]], y=[centre[0]], mode="markers",
                                 marker={"symbol": "star", "size": font_px, "color": "#f8f9fa"}, hoverinfo="skip"))
    lats = [m["lat"] for m in markers] or [0.0]
    lons = [m["lon"] for m in markers] or [0.0]
    pad_lat = max(0.004, (max(lats) - min(lats)) * 0.25)
    pad_lon = max(0.006, (max(lons) - min(lons)) * 0.3)
    fig.update_yaxes(range=[min(lats) - pad_lat, max(lats) + pad_lat], showticklabels=False)
    fig.update_xaxes(range=[min(lons) - pad_lon, max(lons) + pad_lon], showticklabels=False, tickformat="")
    fig.update_layout(margin={"l": 8, "r": 8, "t": 8, "b": 8}, dragmode=False)
    return fig


def kpi_trend_figure(points: Sequence[Sequence[Any]], target: float | None, colour: str) -> go.Figure:
    """Monthly values of one KPI with its target as a dashed line."""
    fig = _base(height=220)
    fig.add_trace(go.Scatter(x=[p[0] for p in points], y=[p[1] for p in points], mode="lines+markers",
                             line={"color": colour, "width": 3}))
    fig.update_xaxes(tickformat="%m/%Y")
    if target is not None:
        fig.add_hline(y=target, line={"color": "#f8f9fa", "dash": "dot"})
    return fig


def compare_figure(rows: Sequence[tuple[str, float]], highlight: str, target: float | None) -> go.Figure:
    """Horizontal bars of one KPI across communes, this commune highlighted."""
    fig = _base(height=max(160, 40 * len(rows)))
    fig.add_trace(go.Bar(
        y=[r[0] for r in rows], x=[r[1] for r in rows], orientation="h",
        marker={"color": ["#2f7cf6" if r[0] == highlight else "#55627a" for r in rows]},
        text=[f"{r[1]:.1f}" for r in rows], textposition="auto",
    ))
    if target is not None:
        fig.add_vline(x=target, line={"color": "#f8f9fa", "dash": "dot"})
    fig.update_layout(margin={"l": 140, "r": 12, "t": 8, "b": 24})
    fig.update_xaxes(tickformat="")
    fig.update_yaxes(nticks=None)
    return fig


def history_figure(points: Sequence[Sequence[Any]], label: str, unit: str, colour: str = "#8fb8ff") -> go.Figure:
    """One field's history on the sensor page."""
    fig = trend_figure(points, colour, unit)
    fig.update_layout(height=260, yaxis_title=f"{label} ({unit})" if unit else label)
    return fig
