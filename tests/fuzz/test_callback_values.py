"""Every server-side Dash callback, called with a well-formed body whose values are garbage of the right JSON type
(what a hand-made request can send): never a 500. A callback that cannot use its values answers 400."""

from __future__ import annotations

from typing import Any

from dashboard.request_limits import PROPERTY_TYPES

GARBAGE_BY_TYPE: dict[type, list[Any]] = {
    int: [-1, 10**12],
    str: ["", "../../etc/passwd", "2026-13-45", "x:y;z", "9" * 40],
    dict: [{"x": [1, {"y": None}]}],
}
ANY_VALUE: list[Any] = ["zz", -7, 1e300, [1, "a", None], {"a": {"b": "c"}}, True, None]


def targets(key: str) -> list[dict[str, str]] | dict[str, str] | None:
    """The `outputs` a renderer would send for callback `key` (None for pattern-matching ids)."""
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    specs = []
    for part in parts:
        if part.startswith("{"):
            return None
        ident, _, prop = part.rpartition(".")
        specs.append({"id": ident, "property": prop.split("@")[0]})
    return specs if key.startswith("..") else specs[0]


def values_for(prop: str) -> list[Any]:
    types = PROPERTY_TYPES.get(prop)
    if types is None:
        return ANY_VALUE
    return [v for t in types for v in GARBAGE_BY_TYPE.get(t, [])]


def filled(specs: list[dict[str, Any]], round_: int) -> list[dict[str, Any]]:
    """The callback's inputs or state, each with its `round_`-th garbage value."""
    return [{"id": s["id"], "property": s["property"],
             "value": (vals := values_for(s["property"]))[round_ % len(vals)]} for s in specs]


def test_no_callback_answers_500_to_garbage_values(admin_browser, fuzz_app) -> None:
    statuses: dict[int, int] = {}
    called = 0
    for key, callback in fuzz_app.callback_map.items():
        outputs = targets(key)
        if outputs is None or "callback" not in callback:  # pattern ids, or a callback that runs in the browser
            continue
        inputs, state = callback.get("inputs", []), callback.get("state", [])
        if any(str(spec["id"]).startswith("{") for spec in [*inputs, *state]):
            continue
        called += 1
        for round_ in range(max(len(values_for(spec["property"])) for spec in [*inputs, *state]) if inputs else 1):
            body = {"output": key, "outputs": outputs, "inputs": filled(inputs, round_),
                    "state": filled(state, round_),
                    "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"] if inputs else []}
            response = admin_browser.post("/_dash-update-component", json=body)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500, (key, body, response.get_data(as_text=True)[:300])
    print(f"{called} callbacks, answers by status: {dict(sorted(statuses.items()))}")
    assert called >= 10 and statuses.get(400, 0) > 0
