"""Names for the JSON the dashboard hands to the browser and reads back (Dash callback bodies, Plotly figures, map
markers, API rows): one place that says why such values are untyped, so signatures read `JsonObject`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

JsonValue = Any  # Any: a value parsed from or bound for JSON (str, int, float, bool, None, list or object)
JsonObject = dict[str, JsonValue]  # a JSON object: an API row, a Plotly layout or trace, a map marker
Point = Sequence[JsonValue]  # one point of a chart as the read layer gives it: [local time text, value]
