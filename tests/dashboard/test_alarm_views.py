"""The pure parts of the alarm screens: which alarms take over a wall, the takeover leaving at once after
"Tiếp nhận tất cả", the /alerts slots (a row keeps its place; a row being typed in keeps its controls),
chattering rows listed once, grouping by place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dash

from alerts.models import Alert, Severity, Source, Status
from dashboard.pages import alerts as page
from dashboard.pages import alerts_table as tbl
from dashboard.pages.wall_takeover import notice, without_handled
from dashboard.read.alerts import AlertView
from dashboard.read.takeover import TakeoverView, takeover_of

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def alarm(aid: str, minutes_ago: int, severity: str = "critical", status: str = "open", source: str = "flood",
          **extra) -> Alert:
    opened = NOW - timedelta(minutes=minutes_ago)
    rule, subject = extra.pop("rule", "flood_level"), extra.pop("subject", aid)
    return Alert(id=aid, rule=rule, source=Source(source), subject=subject,
                 severity=Severity(severity), status=Status(status), title_vi=aid, title_en="", detail="",
                 opened_at=opened, last_seen_at=opened, peak_at=opened, **extra)


def takeover(alerts: list[Alert], now: datetime, local) -> dict | None:
    """The takeover as the wall snapshot carries it (JSON)."""
    taken = takeover_of(alerts, now, local)
    return None if taken is None else taken.to_json()


def local(ts: datetime) -> datetime:
    return ts + timedelta(hours=7)


def test_takeover_holds_every_unacknowledged_unshelved_critical_alarm_newest_first() -> None:
    alerts = [
        alarm("a", 30), alarm("b", 5, status="cleared"), alarm("c", 1, severity="major"),
        alarm("d", 2, status="acknowledged"), alarm("e", 3, shelved_until=NOW + timedelta(minutes=5)),
        alarm("f", 4, shelved_until=NOW - timedelta(minutes=1)), alarm("g", 10), alarm("h", 20),
    ]
    taken = takeover(alerts, NOW, local)
    assert taken["ids"] == ["f", "b", "g", "h", "a"] and taken["more"] == 2
    assert [c["id"] for c in taken["alerts"]] == ["f", "b", "g"]
    assert [c["returned"] for c in taken["alerts"]] == [False, True, False]
    assert taken["alerts"][1]["peak_local"] == "14:55 02/12"
    assert takeover([alarm("x", 1, status="acknowledged")], NOW, local) is None


def test_a_flood_alarm_is_shown_even_behind_a_night_of_newer_camera_intrusions() -> None:
    cameras = [alarm(f"cam-{i}", i, source="camera") for i in range(1, 6)]
    taken = takeover([*cameras, alarm("flood", 30, source="flood")], NOW, local)
    assert [c["id"] for c in taken["alerts"]] == ["cam-1", "cam-2", "flood"] and taken["more"] == 3
    assert taken["ids"][-1] == "flood"  # "Tiếp nhận tất cả" still covers every one, newest first


def test_the_takeover_leaves_at_once_after_acknowledgement_but_a_later_snapshot_wins() -> None:
    taken = TakeoverView.from_json(takeover([alarm("a", 3), alarm("b", 2)], NOW, local))
    answer = {"props": {"data-ids": "a b", "data-at": (NOW + timedelta(seconds=1)).isoformat()}}
    assert without_handled(taken, NOW.isoformat(), answer) is None
    later = (NOW + timedelta(seconds=5)).isoformat()
    assert without_handled(taken, later, answer) == taken  # e.g. the alarm rose again after it
    half = {"props": {"data-ids": "b", "data-at": (NOW + timedelta(seconds=1)).isoformat()}}
    assert without_handled(taken, NOW.isoformat(), half).ids == ("a",)


def test_an_answer_shows_for_ten_seconds() -> None:
    answer = {"props": {"children": "Cần ghi lý do để tạm ẩn", "data-ids": "", "data-at": NOW.isoformat()}}
    assert notice((NOW + timedelta(seconds=9)).isoformat(), ["a"], None, answer) == "Cần ghi lý do để tạm ẩn"
    assert notice((NOW + timedelta(seconds=11)).isoformat(), ["a"], None, answer) is None
    done = {"props": {"children": "Đã tiếp nhận 1 báo động", "data-ids": "a", "data-at": NOW.isoformat()}}
    assert notice(NOW.isoformat(), ["b", "c"], done) is None  # about an alarm no longer on screen


def test_rows_keep_their_slots_and_new_ones_take_free_slots() -> None:
    assert tbl.assign({}, ["g:x", "r:1", "r:2"], 5) == {0: "g:x", 1: "r:1", 2: "r:2"}
    assert tbl.assign({0: "g:x", 1: "r:1", 2: "r:2"}, ["r:9", "g:x", "r:2"], 5) == {0: "g:x", 2: "r:2", 1: "r:9"}
    assert tbl.assign({}, ["a", "b", "c"], 2) == {0: "a", 1: "b"}


def item(sig: str, ctl_sig: str) -> dict:
    return {"cls": "alert-slot alert-row", "sig": sig, "ctl_sig": ctl_sig, "body": f"body {sig}",
            "ctl": f"ctl {ctl_sig}"}


def test_a_row_being_typed_in_keeps_its_controls_and_gets_its_new_text() -> None:
    row = "alert-slot alert-row"
    shown = {"0": ["r:1", "v1", "open", 0, row], "1": ["r:2", "v1", "open", 1, row]}
    wanted = {"r:1": item("v2", "acknowledged"), "r:2": item("v2", "acknowledged")}
    style, cls, body, ctl, now = page.fill(wanted, shown, editing={"r:1"}, slots=3)
    assert body[:2] == ["body v2", "body v2"]  # the text of both rows follows the alarm
    assert ctl[0] is dash.no_update and ctl[1] == "ctl acknowledged"  # the note being typed in row 1 stays
    assert now["0"][2] == "open"  # so its controls are redrawn once the note is sent or cleared
    assert style[0] is dash.no_update and style[2] is dash.no_update
    _, _, _, ctl, _ = page.fill(wanted, now, editing=set(), redraw="r:1", slots=3)
    assert ctl[0] == "ctl acknowledged"


def test_a_row_that_went_empties_its_slot() -> None:
    shown = {"0": ["r:1", "v1", "open", 0, "c"]}
    style, cls, body, ctl, now = page.fill({}, shown, set(), slots=2)
    assert (style[0], body[0], ctl[0], now) == ({"display": "none"}, None, None, {})


def test_a_chattering_alarm_is_listed_once_and_rows_group_by_place() -> None:
    rows = [AlertView(a, "") for a in (
        alarm("n", 1, rule="battery_low", subject="f1", chattering=True, place="Cầu"),
        alarm("o", 20, rule="battery_low", subject="f1", place="Cầu"),
        alarm("p", 30, rule="flood_level", subject="f2", place="Bến đò"),
        alarm("q", 40, rule="flood_level", subject="f1", place="Cầu"))]
    once = tbl.once_per_chatter(rows)
    assert [r.alert.id for r in once] == ["n", "p", "q"]
    assert {place: [r.alert.id for r in members] for place, members in tbl.by_place(once).items()} == {
        "Cầu": ["n", "q"], "Bến đò": ["p"]}
