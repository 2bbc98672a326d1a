"""How the screens draw devices: state and flood colours, the trend arrow, the VN_AQI bands of a chart (the devices'
views themselves are dashboard.read.sensors')."""

from __future__ import annotations

from sensors.aqi_tables import CATEGORIES

FLOOD_COLOURS = ("#2e9d4f", "#f0c419", "#f08c00", "#e03131")  # normal, báo động I, II, III
STATE_COLOURS = {"online": "#2e9d4f", "offline": "#6b7280", "never": "#6b7280"}


def trend_arrow(trend_cm_per_h: float | None, steady_cm_per_h: float = 2.0) -> str:
    """↑ rising, ↓ falling, → steady (within ±steady_cm_per_h)."""
    if trend_cm_per_h is None or abs(trend_cm_per_h) < steady_cm_per_h:
        return "→"
    return "↑" if trend_cm_per_h > 0 else "↓"


# The VN_AQI categories as bands of the index, and of each PM concentration (1459: Bảng 2 breakpoints).
PM_BREAKPOINTS_UG_M3 = {"pm25": (0, 25, 50, 80, 150, 250, 500), "pm10": (0, 50, 150, 250, 350, 420, 600)}


def aqi_bands(lang: str = "vi") -> list[tuple[float, float, str, str]]:
    """(low, high, colour, name) of every VN_AQI category, for a chart of the index."""
    return [(c.low, c.high, c.colour, c.label_en if lang == "en" else c.label_vi) for c in CATEGORIES]


def pm_bands(field: str, lang: str = "vi") -> list[tuple[float, float, str, str]]:
    """The same categories as concentration bands of PM2.5 or PM10 in µg/m³ (empty for other fields)."""
    edges = PM_BREAKPOINTS_UG_M3.get(field)
    if not edges:
        return []
    return [(lo, hi, c.colour, c.label_en if lang == "en" else c.label_vi)
            for lo, hi, c in zip(edges[:-1], edges[1:], CATEGORIES, strict=True)]
