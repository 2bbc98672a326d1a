"""Request-shape limits in front of every route: identifiers in the path and the query outside the one character
set (config/ids.py), JSON bodies nested too deeply or too large, and Dash callback bodies that do not match a
registered callback, are answered 400 / 413 before any parser or callback sees them."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import dash
from flask import Flask, current_app, request

from config.ids import ID_MAX, LONG_ID_MAX, BadId, check_id, check_label, is_relative_path
from dashboard.json_types import JsonObject, JsonValue
from ingest.decode import nested_too_deep

log = logging.getLogger(__name__)

MAX_JSON_DEPTH = 64  # API bodies are 2-3 levels deep, Dash callback bodies with a wall snapshot about 12
MAX_BODY_BYTES = 8 * 1024 * 1024
CALLBACK_ROUTE = "_dash-update-component"
EXTENSION = "coc_dash_app"
# What the renderer sends for the component properties COC's callbacks read (None: not set yet). Properties not
# listed (`value`, `data`, `children` …) may hold any JSON; their callbacks check what they read.
PROPERTY_TYPES: dict[str, tuple[type, ...]] = {
    "n_clicks": (int,), "n_intervals": (int,), "n_submit": (int,), "n_blur": (int,),
    "pathname": (str,), "search": (str,), "hash": (str,), "href": (str,),
    "start_date": (str,), "end_date": (str,), "date": (str,),
    "contents": (str, list), "filename": (str, list), "style": (dict,), "className": (str,),
}


class BadShape(ValueError):
    """A request body that no route can use; the message says what is wrong."""


def _error(status: int, error: str, message: str) -> tuple[dict[str, str], int]:
    return {"error": error, "message": message}, status


def _callback_path() -> str | None:
    app: dash.Dash | None = current_app.extensions.get(EXTENSION)
    return None if app is None else app.config.routes_pathname_prefix + CALLBACK_ROUTE


def _reads_json(callback: bool) -> bool:
    return callback or request.is_json or request.path.startswith("/api/")


LONG_PATH_IDS = frozenset({"event_id", "name"})  # event ids and report file names: up to 128 characters
FILE_PATHS = frozenset({"relative"})  # `<camera>/<date>/<file>` under the snapshot and clip folders
QUERY_IDS = frozenset({"camera", "commune", "unit", "device"})
QUERY_LABELS = frozenset({"zone", "area"})


def check_identifiers() -> None:
    """BadId when a path value of an API route, or an id named in an API query, is outside the identifier set.
    Other routes (pages, Dash's files, the phone page's signed codes) check their own values."""
    if not request.path.startswith(("/api/", "/metrics")):
        return
    rule = request.url_rule.rule if request.url_rule is not None else ""
    for name, value in (request.view_args or {}).items():
        if name in FILE_PATHS:
            if not is_relative_path(value):
                raise BadId(f"{name} must be a path of up to 4 names of 1-{LONG_ID_MAX} characters of "
                            "A-Z a-z 0-9 - _ . (first a letter or digit)")
        elif isinstance(value, str) and f"<path:{name}>" not in rule:  # not Dash's catch-all page route
            check_id(value, name, LONG_ID_MAX if name in LONG_PATH_IDS else ID_MAX)
    for name in sorted(QUERY_IDS | QUERY_LABELS):
        for value in request.args.getlist(name):
            if value:
                (check_id if name in QUERY_IDS else check_label)(value, name)


def check_request() -> tuple[dict[str, str], int] | None:
    """Flask before_request: None lets the request through, anything else answers it."""
    try:
        check_identifiers()
    except BadId as exc:
        return _error(400, "bad_request", f"Mã không hợp lệ / invalid identifier: {exc}")
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    callback = request.path == _callback_path()
    if not _reads_json(callback):
        return None
    if (request.content_length or 0) > MAX_BODY_BYTES:
        size = MAX_BODY_BYTES // (1024 * 1024)
        return _error(413, "too_large", f"Nội dung lớn hơn {size} MiB / body over {size} MiB (bytes)")
    data = request.get_data(cache=True)
    if nested_too_deep(data, MAX_JSON_DEPTH):
        return _error(400, "bad_request", f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
    if not callback:
        return None
    try:
        check_callback_body(request.get_json(silent=True), current_app.extensions[EXTENSION].callback_map)
    except BadShape as exc:
        log.warning("web: Dash callback request refused: %s", exc)  # a real page's refusal would show here
        return _error(400, "bad_request", f"Dash callback request: {exc}")
    return None


def _check_item(item: JsonValue, spec: Mapping[str, JsonValue], where: str) -> None:
    """One input, state or output of the request against its declaration (pattern ids: any dict id)."""
    pattern = str(spec.get("id", "")).startswith("{")
    items = item if pattern and isinstance(item, list) else [item]
    for one in items:
        if not isinstance(one, Mapping) or not isinstance(one.get("property"), str):
            raise BadShape(f"{where} must be an object with id and property")
        if one["property"] != spec.get("property"):
            raise BadShape(f"{where} has property {one['property'][:40]!r}, expected {spec.get('property')!r}")
        if pattern and not isinstance(one.get("id"), Mapping):
            raise BadShape(f"{where} must have a pattern id (an object)")
        if not pattern and one.get("id") != spec.get("id"):
            raise BadShape(f"{where} is not {spec.get('id')!r}")
        _check_value(one, where)


def _check_value(item: Mapping[str, JsonValue], where: str) -> None:
    allowed = PROPERTY_TYPES.get(item["property"])
    value = item.get("value")
    if allowed is None or value is None:
        return
    if isinstance(value, bool) and bool not in allowed or not isinstance(value, allowed):
        names = " or ".join(t.__name__ for t in allowed)
        raise BadShape(f"{where}: {item['property']} must be {names} or null, not {type(value).__name__}")


def _output_specs(callback: Mapping[str, JsonValue]) -> list[JsonObject]:
    """The declared outputs as {id, property} (none for a callback without outputs)."""
    output = callback.get("output")
    if callback.get("no_output") or output is None:
        return []
    return [o.to_dict() for o in (output if isinstance(output, list | tuple) else [output])]


def _check_outputs(outputs: JsonValue, callback: Mapping[str, JsonValue]) -> None:
    specs = _output_specs(callback)
    if not specs:
        return
    if isinstance(callback.get("output"), list | tuple):
        if not isinstance(outputs, list) or len(outputs) != len(specs):
            raise BadShape(f"outputs must be a list of {len(specs)}")
        for index, (item, spec) in enumerate(zip(outputs, specs, strict=True)):
            _check_item(item, spec, f"outputs[{index}]")
    else:
        _check_item(outputs, specs[0], "outputs")


def check_callback_body(body: JsonValue, callback_map: Mapping[str, JsonValue]) -> None:
    """Raise BadShape unless `body` names a registered callback with its declared inputs, state and outputs."""
    if not isinstance(body, Mapping):
        raise BadShape("the body must be a JSON object")
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        raise BadShape("output does not name a callback of this app")
    callback = callback_map[output]
    if "callback" not in callback:
        raise BadShape("this callback runs in the browser, not on the server")
    for group in ("inputs", "state"):
        items, specs = body.get(group, []), callback.get(group) or []
        if not isinstance(items, list) or len(items) != len(specs):
            raise BadShape(f"{group} must be a list of {len(specs)}")
        for index, (item, spec) in enumerate(zip(items, specs, strict=True)):
            _check_item(item, spec, f"{group}[{index}]")
    _check_outputs(body.get("outputs"), callback)
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise BadShape("changedPropIds must be a list of text")


def install(server: Flask) -> None:
    """Check every request before the guard and the routes (register before anything that parses bodies)."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES  # also bounds chunked bodies that declare no length
    server.before_request(check_request)
    for error in INPUT_ERRORS:
        server.register_error_handler(error, callback_input_error)


INPUT_ERRORS: tuple[type[Exception], ...] = (TypeError, ValueError, KeyError, AttributeError, IndexError)


def callback_input_error(exc: Exception) -> tuple[dict[str, str], int]:
    """A callback that could not use the values a (hand-made) body gave it answers 400, not 500. The traceback is
    logged in full, so a real bug in a callback still shows in the service log; other routes keep Flask's 500."""
    if request.path != _callback_path():
        raise exc
    log.exception("callback %s refused its input: %s", request.path, exc)
    return _error(400, "bad_callback_input", f"{type(exc).__name__}: {str(exc)[:200]}")


def watch_callbacks(app: dash.Dash) -> None:
    """Let the checks know the Dash app, so callback bodies are compared with its registered callbacks."""
    app.server.extensions[EXTENSION] = app
