"""A test that cannot forget a route: every rule of the province app's Flask `url_map` and every registered Dash
callback, called by a province-wide caller, callers limited to one commune (each of the two) and no caller, with and
without `?commune=`, with bodies naming the other commune. A marker planted in each commune's figures, alarms,
devices and risk board must never reach a caller limited to the other commune (nor an anonymous one), and no such
call may change the other commune's state or the province's own. A route or callback added later is walked too.

The province runs as `province.runtime.build_province_runtime` builds it (as in tests/province/test_province_coc.py)
without its cluster feed: the communes' readings are pushed through their ingesters (as /api/ingest does), their
alarms through the mirrors' message handler (as the feed does)."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from configfile.loader import load_config
from dashboard.api.air_flood import risk_board, risk_json
from dashboard.users import user_book
from province.runtime import ProvinceRuntime, build_province_runtime

COMMUNES = {"xa-dong": ("Xã Đông Sơn", 16.58, 107.52), "xa-tay": ("Xã Tây Hồ", 16.55, 107.49)}
OTHER = {"xa-dong": "xa-tay", "xa-tay": "xa-dong"}
TOKENS = {"wide": "scope-token-wide-0123456789abcdef", "xa-dong": "scope-token-dong-0123456789abcdef",
          "xa-tay": "scope-token-tay-0123456789abcdef"}
TOKEN_NAMES = {"wide": "ioc", "xa-dong": "cong-dong", "xa-tay": "cong-tay"}  # no commune id in a token's name
PRINCIPALS = ("none", "xa-dong", "xa-tay", "wide")  # the province-wide caller last: it may change the markers
# Per commune: figures (tthc_received_direct/online/post, total), water level, alarm title and risk note that appear
# nowhere else; each also shown as the pages format it (vi 71.113, en 71,113).
PLANTED = {
    "xa-dong": {"figures": (61_357, 1_409, 23), "water_cm": 236.7, "alarm": "MOC-DONG-5183",
                "risk": "RUI-RO-DONG-4407"},
    "xa-tay": {"figures": (71_113, 2_221, 17), "water_cm": 371.3, "alarm": "MOC-TAY-7391", "risk": "RUI-RO-TAY-9026"},
}
PAGES = ("province", "kpi", "alerts", "admin", "sensors", "cameras", "wall/overview", "xa/{c}/wall/overview")


def commune_yaml(commune: str) -> str:
    name, lat, lon = COMMUNES[commune]
    return f"""
commune: {{id: {commune}, name: "{name}", timezone: Asia/Ho_Chi_Minh, location: {{lat: {lat}, lon: {lon}}}}}
web: {{secret_key: ${{COC_SECRET_KEY}}}}
sensors:
  - {{id: pam-01, kind: air, name: "Trạm {name}", location: {{lat: {lat}, lon: {lon}}}, interval_s: 60}}
  - {{id: flood-01, kind: flood, name: "Cầu {name[3:]}", location: {{lat: {lat}, lon: {lon}}}, interval_s: 300,
     alarm_levels_cm: [150, 250, 350]}}
walls:
  - {{id: overview, title: "Tổng quan", panels: [map, air, flood, alerts, kpis]}}
"""


def province_yaml(directory: Path) -> str:
    communes = "\n".join(f"    - {{id: {c}, name: \"{n}\", location: {{lat: {lat}, lon: {lon}}}, "
                         f"config: communes/{c}.yaml}}" for c, (n, lat, lon) in COMMUNES.items())
    tokens = "\n".join(
        f"    - {{name: {TOKEN_NAMES[who]}, role: admin, token: {token}"
        + ("}" if who == "wide" else f", communes: [{who}]}}") for who, token in TOKENS.items())
    return f"""
province:
  id: hue
  name: "Thành phố Huế"
  location: {{lat: 16.46, lon: 107.59}}
  cluster: {{servers: ["nats://127.0.0.1:9"], user: ingest, password: "scope-test-cluster-password-0123"}}
  communes:
{communes}
storage:
  backend: sqlite
  sqlite: {{path: {directory / 'readings.sqlite'}}}
  state_path: {directory / 'state' / 'province.sqlite'}
  spool_dir: {directory / 'spool'}
  flush_interval_s: 0.05
web: {{secret_key: scope-test-secret-key-0123456789abcdef}}
indicators: {{report: {{output_dir: {directory / 'reports'}}}}}
auth:
  api_tokens:
{tokens}
"""


@dataclass
class Province:
    rt: ProvinceRuntime
    app: Any  # dash.Dash
    client: Any
    alarm_ids: dict[str, str]


def plant(rt: ProvinceRuntime) -> dict[str, str]:
    """Each commune's markers: its monthly figures, a flood reading, an open alarm, a risk level note."""
    rows = [{"commune": c, "period": "2026-11", "metric": f"tthc_received_{way}", "value": value}
            for c, marks in PLANTED.items() for way, value in zip(("direct", "online", "post"), marks["figures"],
                                                                  strict=True)]
    assert not rt.indicators.add_rows(rows, "test").problems
    alarm_ids = {}
    now = datetime.now(UTC).isoformat()
    for commune, marks in PLANTED.items():
        ctx = rt.view.contexts[commune]
        accepted, _ = ctx.ingest.submit("flood-01", json.dumps({"water_level_cm": marks["water_cm"]}).encode(), "http")
        assert accepted == 1
        alarm_ids[commune] = f"{commune}-flood-level-1"
        alarm = {"id": alarm_ids[commune], "rule": "flood_level", "source": "flood", "subject": "flood-01",
                 "severity": "critical", "status": "open", "title_vi": marks["alarm"], "title_en": marks["alarm"],
                 "detail": marks["alarm"], "opened_at": now, "last_seen_at": now,
                 "transition": {"action": "opened", "at": now, "status": "open", "severity": "critical"}}
        ctx.alerts.on_message(alarm_ids[commune], json.dumps(alarm).encode())
        risk_board(ctx).announce(3, marks["risk"], "xa", "lũ, ngập lụt")
    return alarm_ids


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Province]:
    tmp = tmp_path_factory.mktemp("province-scopes")
    (tmp / "communes").mkdir()
    (tmp / "state").mkdir()
    for commune in COMMUNES:
        (tmp / "communes" / f"{commune}.yaml").write_text(commune_yaml(commune))
    (tmp / "province.yaml").write_text(province_yaml(tmp))
    rt = build_province_runtime(load_config(tmp / "province.yaml", {}), tmp)
    rt.indicators.start()
    for ctx in rt.view.contexts.values():
        ctx.ingest.writer.start()
    from dashboard.app import create_app

    app = create_app(rt.context)
    alarm_ids = plant(rt)
    yield Province(rt, app, app.server.test_client(), alarm_ids)
    rt.indicators.stop()
    for ctx in rt.view.contexts.values():
        ctx.ingest.writer.stop()
        ctx.alerts.close()


# -- what a caller must not see, and what must not change -------------------------------------------------------

def markers(commune: str) -> list[str]:
    marks = PLANTED[commune]
    direct, online, post = marks["figures"]
    numbers = [direct, direct + online + post]
    water = marks["water_cm"]
    return [COMMUNES[commune][0][3:], marks["alarm"], marks["risk"], f"{water}", f"{water}".replace(".", ","),
            *(f"{n}" for n in numbers), *(f"{n:,}" for n in numbers), *(f"{n:,}".replace(",", ".") for n in numbers)]


def readable(data: bytes) -> str:
    """An answer as text; a ZIP (XLSX, DOCX, evidence) as the text of its members."""
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                data = b"".join(archive.read(n) for n in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return data.decode("utf-8", errors="replace")


def leaked(text: str, commune: str, asked: str) -> list[str]:
    """The markers of `commune` in an answer (and its id, unless the request itself named it)."""
    plain = text.encode().decode("unicode_escape", errors="ignore") if "\\u" in text else text
    found = [m for m in markers(commune) if m in text or m in plain]
    if commune in text and commune not in asked:
        found.append(commune)
    return found


def state(p: Province, commune: str) -> dict[str, Any]:
    """What a request could change of one commune: its figures, readings, alarms and pending acknowledgements,
    its risk level."""
    ctx = p.rt.view.contexts[commune]
    return {
        "figures": sorted((f.period, f.metric, f.value) for f in p.rt.indicators.db.figures([commune])),
        "plans": sorted((x.year, x.kpi_id, x.value) for x in p.rt.indicators.db.plans() if x.commune == commune),
        "live": {d: dict(s.values) for d in ("pam-01", "flood-01") if (s := ctx.live.get(d)) is not None},
        "written": ctx.writer.stats().written,
        "alarms": [(a.id, a.status.value, a.shelved_until, ctx.alerts.pending(a.id)) for a in ctx.alerts.list()],
        "risk": risk_json(risk_board(ctx).view()),
    }


def province_state(p: Province) -> dict[str, Any]:
    """The province's own: its risk level, its plan, its users."""
    ctx = p.rt.context
    return {"risk": risk_json(risk_board(ctx).view()), "plans": sorted(
        (x.year, x.kpi_id, x.value) for x in p.rt.indicators.db.plans() if x.commune == ctx.config.commune.id),
        "users": sorted(map(str, user_book(ctx).all()))}


@dataclass
class Walk:
    calls: int = 0
    problems: list[str] = field(default_factory=list)
    seen: dict[str, set[str]] = field(default_factory=dict)  # caller -> communes whose markers it was shown


def call(p: Province, walk: Walk, who: str, method: str, url: str, **kw: Any) -> None:
    """One request by `who`; a problem when its answer shows the markers of a commune it may not see, or when it
    changed such a commune or (for a caller limited to a commune) the province's own state."""
    hidden = {"none": list(COMMUNES), "wide": []}.get(who, [OTHER.get(who, "")])
    before = {c: state(p, c) for c in hidden}
    before_province = province_state(p) if who != "wide" else None
    headers = {"Authorization": f"Bearer {TOKENS[who]}"} if who in TOKENS else {}
    answer = p.client.open(url, method=method, headers=headers, **kw)
    text = readable(answer.get_data())
    asked = url + json.dumps(kw.get("json"), ensure_ascii=False)
    walk.calls += 1
    walk.seen.setdefault(who, set()).update(c for c in COMMUNES if leaked(text, c, asked))
    for commune in hidden:
        shown = leaked(text, commune, asked)
        if shown:
            walk.problems.append(f"{who} {method} {url} {kw.get('json')!s:.200}: {answer.status_code} shows "
                                 f"{commune}'s {shown}")
        if state(p, commune) != before[commune]:
            walk.problems.append(f"{who} {method} {url} {kw.get('json')!s:.200}: {answer.status_code} changed "
                                 f"{commune}")
    if before_province is not None and province_state(p) != before_province:
        walk.problems.append(f"{who} {method} {url}: {answer.status_code} changed the province's own state")


# -- the routes of url_map ----------------------------------------------------------------------------------------

def sample(name: str, commune: str, p: Province) -> list[str]:
    """Values for a URL variable, aimed at `commune` where the variable can name one of its things."""
    table = {
        "alert_id": [p.alarm_ids[commune]], "kpi_id": ["tthc_received"], "device_id": ["flood-01", "pam-01"],
        "path": [page.format(c=commune) for page in PAGES], "commune": [commune],
        "name": [f"bao-cao-{commune}-2026-11.pdf"], "package_name": ["dash"], "fingerprinted_path": ["dash.js"],
    }
    return table.get(name, ["x"])


def urls(rule: Any, commune: str, p: Province) -> list[str]:
    out = [rule.rule]
    for name in rule.arguments:
        out = [u.replace(f"<{conv}{name}>", value) for u in out for value in sample(name, commune, p)
               for conv in {c for c in ("", "string:", "path:", "int:") if f"<{c}{name}>" in u}]
    return out


def queries(who: str, own: str, other: str) -> list[str]:
    """Without and with `?commune=` (the caller's own, the other); the province-wide caller, whose answers are
    checked only for finding the markers, without and with its first commune."""
    if who == "wide":
        return ["", f"?commune={own}"]
    return ["", f"?commune={own}", f"?commune={other}", f"?commune={own}&period=2026-11&format=csv&status=all"]


def bodies(own: str, other: str) -> list[Any]:
    """Bodies naming the other commune, alone and beside the caller's own (nothing of it may be written)."""
    def row(commune: str) -> dict[str, Any]:
        return {"commune": commune, "period": "2026-11", "metric": "tthc_received_online", "value": 99_999,
                "kpi": "tthc_received", "year": 2026}
    extra = {"level": 5, "note": "scope walk", "minutes": 30, "reason": "scope walk", "year": 2026}
    return [[row(other)], {"rows": [row(own), row(other)], **extra},
            {"rows": [{"period": "2026-11", "metric": "tthc_received_online", "value": 99_999}], **extra}]


def walk_routes(p: Province, walk: Walk) -> int:
    rules = [r for r in p.app.server.url_map.iter_rules() if r.endpoint != "static"]
    for who in PRINCIPALS:
        own = who if who in COMMUNES else "xa-dong"
        other = OTHER[own]
        for rule in rules:
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                for url in urls(rule, other, p):
                    for query in queries(who, own, other):
                        if method in ("GET", "DELETE"):
                            call(p, walk, who, method, url + query)
                        else:
                            for body in bodies(own, other):
                                call(p, walk, who, method, url + query, json=body)
    return len(rules)


# -- the Dash callbacks -------------------------------------------------------------------------------------------

def dep_id(text: str) -> Any:
    return json.loads(text) if text.startswith("{") else text


def concrete(spec: Any) -> tuple[Any, bool]:
    """A pattern id with its wildcards filled (and whether it stands for a list: ALL, ALLSMALLER)."""
    if not isinstance(spec, dict):
        return spec, False
    many = any(isinstance(v, list) and v and v[0] in ("ALL", "ALLSMALLER") for v in spec.values())
    return {k: (0 if isinstance(v, list) else v) for k, v in spec.items()}, many


VALUES = {"kpi-plan-year": 2026, "kpi-plan-value": "99999", "kpi-plan-kpi": "tthc_received",
          "prov-kpi": "tthc_received", "kpi-period": "2026-11", "kpi-kind": "month", "kpi-pillar-filter": "",
          "kpi-latest": "2026-11",
          "sensor-risklevel": 5}  # dropdowns and fields by id; the others get the commune's id


def value_for(component: Any, prop: str, commune: str, p: Province) -> Any:
    """An input's value aimed at `commune`: its wall screen, its pages, a snapshot of its takeover."""
    name = component.get("type", "") if isinstance(component, dict) else str(component)
    if prop == "pathname":
        return f"/xa/{commune}/wall/overview"
    if name == "wall-screen":
        return f"{commune}/overview"
    if name == "wall-snapshot":
        ids = [p.alarm_ids[commune]]
        return {"screen": f"{commune}/overview", "at": datetime.now(UTC).isoformat(),
                "takeover": {"ids": ids, "alerts": [{"id": i} for i in ids]}}
    if prop in ("n_clicks", "n_intervals"):
        return 1
    if prop == "contents":
        csv = "Chỉ tiêu,Đơn vị,Kế hoạch năm\nTổng số hồ sơ TTHC tiếp nhận,hồ sơ,99999\n"  # the province's own plan
        return "data:text/csv;base64," + base64.b64encode(csv.encode()).decode()
    if prop == "filename":
        return "ke-hoach.csv"
    if prop == "search":
        return f"?commune={commune}&period=2026-11"
    if prop == "value":
        return VALUES.get(name, commune)
    return None


def callback_body(entry: dict[str, Any], commune: str, p: Province) -> dict[str, Any]:
    output = entry["output"]
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    outputs = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        cid, many = concrete(dep_id(ident))
        outputs.append([{"id": cid, "property": prop}] if many else {"id": cid, "property": prop})

    def deps(group: str) -> list[Any]:
        out = []
        for dep in entry.get(group, []):
            cid, many = concrete(dep_id(dep["id"]))
            item = {"id": cid, "property": dep["property"], "value": value_for(cid, dep["property"], commune, p)}
            out.append([item] if many else item)
        return out

    inputs = deps("inputs")
    first = inputs[0][0] if inputs and isinstance(inputs[0], list) else (inputs[0] if inputs else None)
    changed = [f"{json.dumps(first['id']) if isinstance(first['id'], dict) else first['id']}.{first['property']}"] \
        if first else []
    return {"output": output, "outputs": outputs if len(outputs) > 1 else outputs[0], "inputs": inputs,
            "state": deps("state"), "changedPropIds": changed}


def walk_callbacks(p: Province, walk: Walk) -> int:
    entries = [e for e in p.app._callback_list if not e.get("clientside_function")]  # noqa: SLF001 - Dash's own list
    for who in PRINCIPALS:
        own = who if who in COMMUNES else "xa-dong"
        for entry in entries:
            for commune in (OTHER[own], own):
                call(p, walk, who, "POST", "/_dash-update-component", json=callback_body(entry, commune, p))
    return len(entries)


def test_no_route_or_callback_shows_or_changes_another_communes_data(province: Province) -> None:
    walk = Walk()
    rules = walk_routes(province, walk)
    callbacks = walk_callbacks(province, walk)
    print(f"walked {rules} url_map rules and {callbacks} Dash callbacks: {walk.calls} requests")  # noqa: T201
    assert rules >= 40 and callbacks >= 30  # the walk reached the API and the pages
    # the markers are there to be found: the province-wide caller was shown both communes', each scoped caller its own
    assert walk.seen["wide"] == set(COMMUNES)
    assert walk.seen["xa-dong"] >= {"xa-dong"} and walk.seen["xa-tay"] >= {"xa-tay"}
    assert not walk.problems, "\n".join(walk.problems[:40])


@pytest.mark.parametrize(
    ("communes", "named", "sees", "hidden", "whole"),
    [
        (None, None, ["xa-dong", "xa-tay", "hue"], [], True),  # province staff, naming no commune
        (None, "xa-tay", ["xa-tay"], ["xa-dong", "hue"], False),  # ... naming one: that commune only
        (["xa-dong"], None, ["xa-dong", "dong-cu"], ["xa-tay", "hue", None, 7], False),  # with its former unit
        (["xa-dong"], "xa-dong", ["xa-dong", "dong-cu"], ["xa-tay"], False),
    ],
)
def test_the_scope_of_a_request(communes: list[str] | None, named: str | None, sees: list[str], hidden: list[Any],
                                 whole: bool) -> None:
    from types import SimpleNamespace

    from dashboard.auth import Principal
    from dashboard.scope import OutOfScope, decide
    from dashboard.settings import Role

    config = SimpleNamespace(auth=SimpleNamespace(users=[], api_tokens=[
        SimpleNamespace(name="caller", communes=communes or [])]))
    scope = decide(config, Principal("caller", Role.OPERATOR, "token"), named, {"xa-dong": frozenset({"dong-cu"})})
    assert all(scope.sees(c) for c in sees) and not any(scope.sees(c) for c in hidden)
    assert scope.whole is whole
    scope.require(sees)
    for commune in hidden:
        with pytest.raises(OutOfScope):
            scope.require([*sees, commune])  # one commune outside refuses the whole write
    if not whole:
        with pytest.raises(OutOfScope):
            scope.require_whole("the province's risk level")
