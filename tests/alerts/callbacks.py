"""The Dash request body of the /alerts page's table callback (its row slots are pattern-matching outputs), for
tests that call it without a browser."""

from __future__ import annotations

import json
from typing import Any

SLOT_OUTPUTS = (("alerts-slot", "style"), ("alerts-slot", "className"), ("alerts-slotbody", "children"),
                ("alerts-slotctl", "children"))


def alerts_table_body(status: str = "active", slots: int = 6, shown: dict | None = None) -> dict[str, Any]:
    """A refresh of `slots` row slots showing `status`, as the browser sends it."""

    def wildcard(kind: str) -> str:
        return json.dumps({"slot": ["ALL"], "type": kind}, sort_keys=True, separators=(",", ":"))

    keys = [f"{wildcard(kind)}.{prop}" for kind, prop in SLOT_OUTPUTS] + ["alerts-shown.data",
                                                                            "alerts-table.children"]
    outputs: list[Any] = [[{"id": {"type": kind, "slot": i}, "property": prop} for i in range(slots)]
                          for kind, prop in SLOT_OUTPUTS]
    outputs += [{"id": "alerts-shown", "property": "data"}, {"id": "alerts-table", "property": "children"}]
    return {
        "output": ".." + "...".join(keys) + "..",
        "outputs": outputs,
        "inputs": [
            {"id": "alerts-status", "property": "value", "value": status},
            {"id": "alerts-kind", "property": "value", "value": None},
            {"id": "alerts-unit", "property": "value", "value": None},  # the former commune: none chosen
            {"id": "alerts-tick", "property": "n_intervals", "value": 1},
            {"id": "alertack-done", "property": "children", "value": None},
            {"id": "alertack-shelvedone", "property": "children", "value": None},
        ],
        "state": [[], {"id": "alerts-shown", "property": "data", "value": shown or {}}],
        "changedPropIds": ["alerts-tick.n_intervals"],
    }
