"""Fuzzing the web: hostile requests over every route of Flask's url_map (the REST API, /metrics, login, the
Dash pages, callbacks, assets and component suites; a route added later is fuzzed without editing this test):
4 drawn by hypothesis per API route, 1 per KPI route and per other route, each with 17 fast variants (path values,
query strings, bodies, content types, methods and credentials), with a good gateway reading after every 18
requests. No response may be 5xx, every reading refused over /api/ingest is a dead letter, and every good reading
is stored."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import AUTH
from tests.fuzz.strategies import HUGE_NUMBERS, TIMESTAMPS, mutations, payloads

EXAMPLES, PER_EXAMPLE = 4, 18  # drawn per route (KPI routes 1, gateways' route 4 x 4), each with 17 variants
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
                suppress_health_check=list(HealthCheck))
PARAMS = ["field", "agg", "start", "end", "every", "period", "standard", "status", "source", "severity", "since",
          "limit", "camera", "type", "commune", "pillar", "from", "to", "format", "year", "kind", "lang", "name"]
PATH_VALUES = ["pam-qt-01", "flood-01", "flood-02", "cam-01", "cam-02", "a-1", "tthc_rate", "..", "%2e%2e",
               "x" * 300, "ñ", "0", "-1", "1e400", "cam-01/../../etc/passwd", "report.pdf", "%00", "x" * 5000,
               "..%2F..%2Fx", "cam-01-x%22;filename=%22evil.exe", "a%0D%0Ab", "dash", "y.js"]
GOOD_DEVICE, GOOD_LEVEL = "flood-02", 777.25
GOOD_LEVEL_SQL = "SELECT COUNT(*) FROM points WHERE device = ? AND field = 'water_level_cm' AND value = ?"

query_values = st.one_of(
    st.sampled_from(TIMESTAMPS + HUGE_NUMBERS + ["99999999999d", "0s", "5m", "1h", "-1", "2026-11", "2025-Q1",
                                                 "csv", "xlsx", "vn", "us", "hour", "day", "open", "all"]),
    st.text(max_size=30), st.integers().map(str), st.floats().map(repr),
)
queries = st.lists(st.tuples(st.sampled_from(PARAMS) | st.text(max_size=8), query_values), max_size=5)
bodies = st.one_of(
    st.none(), payloads, st.binary(max_size=300),
    st.lists(st.fixed_dictionaries({"commune": st.sampled_from(["quang-tho", "x", ""]),
                                    "period": st.sampled_from(["2025-01", "0000-01", "9999-99", ""]),
                                    "metric": st.sampled_from(["tthc_received_direct", "nope"]),
                                    "value": st.sampled_from(HUGE_NUMBERS + ["12", "-3", "1.5e15"])}),
             max_size=4).map(lambda rows: ("[" + ", ".join(
                 json.dumps({k: v for k, v in r.items() if k != "value"})[:-1] + f', "value": {r["value"]}}}'
                 for r in rows) + "]").encode()),
    st.sampled_from([b'{"level": 3, "note": "x"}', b'{"level": 1e400}', b'{"level": [1]}', b'{"note": 5}',
                     b'{"minutes": 1e400}', b'{"minutes": -1}', b'{"note": "' + b"x" * 3000 + b'"}']),
)
CONTENT_TYPES = ["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                 "multipart/form-data; boundary=x", "", "application/json; charset=latin-1", "application/octet-stream"]
HOSTILE_VALUES = TIMESTAMPS + HUGE_NUMBERS + ["99999999999d", "0s", "-5m", "1e400d", "", "%00", "\u0000", "ñ" * 70,
                                              "2026-11-23T07:00:00Z", "1700000000", "-1", "0", "9" * 5000]
content_types = st.sampled_from(CONTENT_TYPES)
authorizations = st.sampled_from([AUTH["Authorization"]] * 6 + ["Bearer nope", "Basic Og==", "", "Bearer "])


def examples(rule: Any) -> int:
    """Drawn requests per route: the KPI routes compute whole reports (about 0.1 s a request) and pages render
    whole layouts, so one each; the other API routes 4."""
    api = rule.rule.startswith(("/api/", "/metrics"))
    return EXAMPLES if api and not rule.rule.startswith("/api/kpis") else 1


def every_rule(app: Any) -> list[Any]:
    """Every route Flask knows, in a stable order."""
    return sorted(app.server.url_map.iter_rules(), key=lambda r: (r.rule, sorted(r.methods)))


@st.composite
def requests(draw: st.DrawFn, rule: Any) -> dict[str, Any]:
    """A hostile request to one route: odd path values, methods, query strings, bodies, types, credentials."""
    path = rule.rule
    for name in rule.arguments:
        value = draw(st.sampled_from(PATH_VALUES) | st.text(st.characters(codec="utf-8", exclude_characters="/?#"),
                                                            min_size=1, max_size=20))
        path = path.replace(f"<{name}>", value).replace(f"<path:{name}>", value)
    methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
    method = draw(st.sampled_from(methods * 4 + ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]))
    headers = {"Authorization": draw(authorizations)}
    if draw(st.booleans()):
        headers[draw(st.sampled_from(["X-Forwarded-For", "Accept", "Accept-Language", "X-CSRFToken", "Range"]))] = \
            draw(st.text(st.characters(codec="latin-1", exclude_categories=("Cc",)), max_size=40))
    return {"method": method, "path": path, "query": draw(queries), "body": draw(bodies),
            "content_type": draw(content_types), "headers": headers, "rule": rule.rule, "methods": methods}


def variants(request: dict[str, Any], rng: random.Random, count: int) -> list[dict[str, Any]]:
    """`count` fast variations of a drawn request: query values, body, content type, method or credentials
    swapped for hostile ones."""
    out = []
    for _ in range(count):
        copy, step = dict(request), rng.randrange(5)
        if step == 0:
            copy["query"] = [(rng.choice(PARAMS), rng.choice(HOSTILE_VALUES)) for _ in range(rng.randrange(1, 4))]
        elif step == 1 and request["body"]:
            copy["body"] = rng.choice(mutations(request["body"], rng, 1))
        elif step == 2:
            copy["content_type"] = rng.choice(CONTENT_TYPES)
        elif step == 3:
            copy["method"] = rng.choice(request["methods"])
        else:
            copy["query"] = request["query"] + [(rng.choice(PARAMS), rng.choice(HOSTILE_VALUES))]
        out.append(copy)
    return out


def test_two_thousand_hostile_requests_never_get_a_5xx(fuzz_app, fuzz_ctx) -> None:
    client = fuzz_app.server.test_client()
    rules = every_rule(fuzz_app)
    statuses: Counter[int] = Counter()
    unavailable: Counter[tuple[str, str | None]] = Counter()
    by_rule: Counter[str] = Counter()
    failures: list[str] = []
    refused_over_ingest = [0]
    good = [0]
    letters_before = fuzz_ctx.state_db.dead_letter_count()
    start = datetime.now(UTC) - timedelta(days=2)

    def send(request: dict[str, Any]) -> None:
        response = client.open(request["path"], method=request["method"], query_string=request["query"],
                               data=request["body"], content_type=request["content_type"] or None,
                               headers=request["headers"])
        statuses[response.status_code] += 1
        by_rule[request["rule"]] += 1
        if response.status_code == 503:
            unavailable[(request["rule"], (response.get_json(silent=True) or {}).get("error"))] += 1  # HEAD: no body
        if response.status_code >= 500 and response.status_code != 503:
            failures.append(f"{response.status_code} {request['method']} {request['path'][:80]} "
                            f"{request['query']!r:.120} {request['body']!r:.80}")
        answer = response.get_json(silent=True) if request["method"] != "HEAD" else None
        if request["rule"] == "/api/ingest/<device_id>" and isinstance(answer, dict) and "rejected" in answer:
            refused_over_ingest[0] += answer["rejected"]
        response.close()  # a live MJPEG stream is never read to its end

    def good_reading() -> None:
        ts = (start + timedelta(seconds=good[0], milliseconds=500)).isoformat()
        response = client.post(f"/api/ingest/{GOOD_DEVICE}", json={"ts": ts, "water_level_cm": GOOD_LEVEL},
                               headers=AUTH)
        assert response.status_code == 200 and response.get_json()["accepted"] == 1, response.get_json()
        good[0] += 1

    ingest = [r for r in rules if r.rule == "/api/ingest/<device_id>"]
    turns = rules + ingest * 3  # every route in turn; the gateways' route gets more of the hostile bodies
    for rule in turns:

        @settings(FUZZ, max_examples=examples(rule))
        @given(requests(rule), st.integers(0, 2**64))
        def batch(drawn: dict[str, Any], seed: int) -> None:
            for request in [drawn, *variants(drawn, random.Random(seed), PER_EXAMPLE - 1)]:
                send(request)
            good_reading()

        batch()
    sent = sum(statuses.values())
    stored = fuzz_ctx.store._rows(GOOD_LEVEL_SQL, (GOOD_DEVICE, GOOD_LEVEL))[0][0]
    letters = fuzz_ctx.state_db.dead_letter_count() - letters_before
    print(f"\nfuzz http: {sent} requests over {len(by_rule)} paths ({len(rules)} routes with their methods), "
          f"by status "
          f"{dict(sorted(statuses.items()))}; {refused_over_ingest[0]} readings refused over /api/ingest, "
          f"{letters} dead letters; {good[0]} good readings interleaved, {stored} stored")
    assert len(rules) >= 45 and sent >= 2_000 and not failures, failures[:10]
    assert sent == PER_EXAMPLE * sum(examples(rule) for rule in turns)
    assert set(by_rule) == {r.rule for r in rules}  # every route was tried
    # 503 only where it is the answer: health (this app has no broker connection) and a camera without a frame
    assert {rule for rule, error in unavailable if error != "no_frame"} <= {"/api/health"}, unavailable
    assert letters == refused_over_ingest[0] > 0
    assert stored == good[0] == sum(examples(rule) for rule in turns)
