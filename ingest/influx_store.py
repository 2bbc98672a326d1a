"""The InfluxDB store through the v1 HTTP API every generation serves: /write (line protocol), /query (InfluxQL)."""

from __future__ import annotations

import gzip
import logging
import re
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import requests

from ingest.line_protocol import readings_to_lines, stored_tag
from ingest.settings import InfluxConfig
from ingest.store import Aggregate, SeriesPoint, StoreRejected, StoreUnavailable
from ingest.store_repair import StoreDiagnosis, diagnose_influx
from sensors.models import Reading

log = logging.getLogger(__name__)
AGGREGATES = {"mean": "MEAN", "min": "MIN", "max": "MAX", "last": "LAST", "count": "COUNT", "sum": "SUM"}
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DIAGNOSE_EVERY_S = 10.0  # how often the files of a local InfluxDB that does not answer are looked at again
REFUSED_FOR_GOOD = (400, 413, 422)  # bad or expired points (2.x: 422 beyond retention), a body too large to take


def influx_error(resp: requests.Response) -> str:
    """InfluxDB's own error text (`{"error": "partial write: points beyond retention policy dropped=1"}`)."""
    try:
        return str(resp.json().get("error") or resp.json().get("message") or resp.text)[:300]
    except ValueError:
        return resp.text[:300]


def quote_ident(name: str) -> str:
    """An InfluxQL identifier in double quotes with quotes and backslashes escaped."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def quote_string(value: str) -> str:
    """An InfluxQL string literal in single quotes with quotes and backslashes escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def rfc3339(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class InfluxStore:
    """Readings in InfluxDB (1.x natively, 2.x through its v1 compatibility API, 3.x natively)."""

    backend = "influxdb"

    def __init__(self, settings: InfluxConfig, commune: str, units: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self.commune = commune
        self.units = dict(units or {})  # device id → former unit id: the points' tag former_unit
        self._session = requests.Session()
        if settings.token:
            self._session.headers["Authorization"] = f"Token {settings.token}"
        elif settings.username:
            self._session.auth = (settings.username, settings.password or "")
        self._diagnosis: StoreDiagnosis | None = None
        self._diagnosed_at = -DIAGNOSE_EVERY_S

    def diagnose(self) -> StoreDiagnosis | None:
        """Why a local InfluxDB does not come back after a power cut, read from its files (at most every 10 s);
        None when nothing is found (or InfluxDB is elsewhere)."""
        now = time.monotonic()
        if now - self._diagnosed_at >= DIAGNOSE_EVERY_S:
            self._diagnosed_at = now
            self._diagnosis = diagnose_influx(self.settings)
        return self._diagnosis

    def _unreachable(self, exc: Exception) -> StoreUnavailable:
        text = f"InfluxDB unreachable: {type(exc).__name__}"
        diagnosis = self.diagnose()
        return StoreUnavailable(f"{text}. {diagnosis.text()}" if diagnosis else text)

    def open(self) -> None:
        if self.settings.create_database:
            self._query(f"CREATE DATABASE {quote_ident(self.settings.database)}", post=True, with_db=False)

    def close(self) -> None:
        self._session.close()

    def write(self, readings: Sequence[Reading]) -> None:
        body = readings_to_lines(readings, self.commune, self.units)
        if not body:
            return
        params = {"db": self.settings.database, "precision": "ns"}
        if self.settings.retention_policy:
            params["rp"] = self.settings.retention_policy
        try:
            resp = self._session.post(
                f"{self.settings.url.rstrip('/')}/write", params=params, data=gzip.compress(body.encode(), 1),
                headers={"Content-Encoding": "gzip", "Content-Type": "text/plain; charset=utf-8"},
                timeout=self.settings.timeout_s,
            )
        except requests.RequestException as exc:
            raise self._unreachable(exc) from exc
        if resp.status_code == 404 and "database not found" in resp.text:
            self.open()
            raise StoreUnavailable("InfluxDB database was missing; created it, will retry")
        if resp.status_code in REFUSED_FOR_GOOD:  # these points can never be written; the rest of a batch can
            raise StoreRejected(f"InfluxDB HTTP {resp.status_code}: {influx_error(resp)}")
        if resp.status_code >= 400:  # an outage, a missing database or wrong credentials: retried until fixed
            raise StoreUnavailable(f"InfluxDB refused the write: HTTP {resp.status_code} {influx_error(resp)}")

    def _query(self, q: str, post: bool = False, with_db: bool = True) -> list[dict]:
        params = {"q": q, "epoch": "ms"}
        if with_db:
            params["db"] = self.settings.database
            if self.settings.retention_policy:
                params["rp"] = self.settings.retention_policy
        url = f"{self.settings.url.rstrip('/')}/query"
        try:
            resp = (self._session.post(url, data=params, timeout=self.settings.timeout_s) if post
                    else self._session.get(url, params=params, timeout=self.settings.timeout_s))
        except requests.RequestException as exc:
            raise self._unreachable(exc) from exc
        if resp.status_code != 200:
            raise StoreUnavailable(f"InfluxDB query failed: HTTP {resp.status_code} {resp.text[:200]}")
        results = resp.json().get("results", [])
        for result in results:
            if "error" in result:
                raise StoreUnavailable(f"InfluxDB query error: {result['error']}")
        return results

    @property
    def _ours(self) -> str:
        """This commune's points only: a province's database holds every commune's (tag `commune`)."""
        return f"\"commune\" = {quote_string(stored_tag(self.commune))}"

    def _from(self, kind: str) -> str:
        rp = f"{quote_ident(self.settings.retention_policy)}." if self.settings.retention_policy else ""
        return f"{rp}{quote_ident(kind)}"  # the database is the `db` parameter

    def latest(self) -> dict[str, Reading]:
        out: dict[str, Reading] = {}
        for kind in ("air", "flood"):
            results = self._query(
                f"SELECT * FROM {self._from(kind)} WHERE {self._ours} GROUP BY \"device\" ORDER BY time DESC LIMIT 1"
            )
            for series in results[0].get("series", []) if results else []:
                device = series.get("tags", {}).get("device", "")
                cols, row = series["columns"], series["values"][0]
                fields = {c: float(v) for c, v in zip(cols[1:], row[1:], strict=True)
                          if isinstance(v, int | float) and not isinstance(v, bool)}
                out[device] = Reading(device, kind, datetime.fromtimestamp(row[0] / 1000, UTC), fields)
        return out

    def series(self, kind: str, device_id: str, field: str, start: datetime, end: datetime,
               every_s: int, agg: Aggregate = "mean") -> list[SeriesPoint]:
        q = (f"SELECT {AGGREGATES[agg]}({quote_ident(field)}) FROM {self._from(kind)} "
             f"WHERE {self._ours} AND \"device\" = {quote_string(stored_tag(device_id))} "
             f"AND time >= '{rfc3339(start)}' "
             f"AND time < '{rfc3339(end)}' GROUP BY time({max(1, int(every_s))}s) fill(none)")
        results = self._query(q)
        points: list[SeriesPoint] = []
        for series in results[0].get("series", []) if results else []:
            points += [SeriesPoint(datetime.fromtimestamp(t / 1000, UTC), float(v))
                       for t, v in series["values"] if v is not None]
        return points

    def count(self, kind: str, device_id: str | None = None) -> int:
        device = f" AND \"device\" = {quote_string(stored_tag(device_id))}" if device_id is not None else ""
        results = self._query(f"SELECT COUNT(*) FROM {self._from(kind)} WHERE {self._ours}{device}")
        series = results[0].get("series", []) if results else []
        return max((int(v) for s in series for v in s["values"][0][1:] if v is not None), default=0)
