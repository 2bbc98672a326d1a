"""Every alarm state transition (ISA-18.2: active/cleared × acknowledged/not, closed) with a frozen clock: peak
kept, severity never falling unacknowledged, return to normal, re-alarm on a rise, shelving and its expiry,
escalation, chattering."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.lifecycle import (
    AlertClosedError,
    acknowledge,
    apply_signal,
    escalation_due,
    is_chattering,
    on_active,
    on_cleared,
    open_alert,
    raises_within,
    resolve,
    shelve,
    unshelve,
    unshelve_due,
)
from alerts.models import Action, Severity, Signal, Source, Status
from tests.alerts.conftest import T0

MIN = timedelta(minutes=1)
LEVEL = {1: Severity.WARNING, 2: Severity.MAJOR, 3: Severity.CRITICAL}


def flood(level: int, cm: float) -> Signal:
    if level == 0:
        return Signal("flood_level", Source.FLOOD, "flood-01", False, value=cm, unit="cm")
    roman = "I" * level
    return Signal("flood_level", Source.FLOOD, "flood-01", True, LEVEL[level],
                  f"Báo động {roman} tại Cầu Phò Nam: mực nước {cm:g} cm", f"Level {roman}: {cm:g} cm",
                  f"Mực nước {cm:g} cm, vạch báo động {roman}", cm, unit="cm", place="Cầu Phò Nam")


def actions(steps) -> list[Action]:
    return [t.action for t in steps]


def test_raise_is_active_unacknowledged_with_its_peak() -> None:
    alert, steps = open_alert("a1", flood(3, 352), T0)
    assert (alert.status, alert.status.state) == (Status.OPEN, "active_unacknowledged")
    assert (alert.peak_severity, alert.peak_value, alert.peak_at, alert.value) == (Severity.CRITICAL, 352, T0, 352)
    assert actions(steps) == [Action.OPENED] and steps[0].value == 352


def test_severity_never_falls_unacknowledged_and_the_title_stays_the_peak() -> None:
    alert, _ = open_alert("a1", flood(3, 352), T0)
    alert, steps = on_active(alert, flood(1, 12.5), T0 + MIN)
    assert steps == () and alert.severity is Severity.CRITICAL and alert.current_severity is Severity.WARNING
    assert alert.title_vi == "Báo động III tại Cầu Phò Nam: mực nước 352 cm" and alert.value == 12.5
    assert (alert.peak_value, alert.peak_at) == (352, T0)


def test_rise_then_higher_value_moves_the_peak() -> None:
    alert, _ = open_alert("a1", flood(1, 160), T0)
    alert, steps = on_active(alert, flood(3, 355), T0 + MIN)
    assert actions(steps) == [Action.ROSE] and steps[0].note == "warning → critical"
    alert, steps = on_active(alert, flood(3, 371), T0 + 2 * MIN)
    assert steps == () and (alert.peak_value, alert.peak_at) == (371, T0 + 2 * MIN)
    assert alert.detail == "Mực nước 371 cm, vạch báo động III"
    alert, _ = on_active(alert, flood(3, 360), T0 + 3 * MIN)
    assert (alert.peak_value, alert.value) == (371, 360)


def test_acknowledged_alarm_may_fall_and_a_rise_needs_a_person_again() -> None:
    alert, _ = open_alert("a1", flood(2, 260), T0)
    alert, steps = acknowledge(alert, T0 + MIN, "vanhanh", "operator", "đã biết")
    assert alert.status is Status.ACKNOWLEDGED and actions(steps) == [Action.ACKNOWLEDGED]
    alert, steps = on_active(alert, flood(1, 160), T0 + 2 * MIN)
    assert actions(steps) == [Action.LOWERED] and alert.severity is Severity.WARNING
    assert alert.peak_severity is Severity.MAJOR
    alert, steps = on_active(alert, flood(3, 360), T0 + 3 * MIN)
    assert actions(steps) == [Action.ROSE] and alert.status is Status.OPEN and alert.severity is Severity.CRITICAL


def test_return_to_normal_keeps_an_unacknowledged_alarm_until_acknowledged() -> None:
    alert, _ = open_alert("a1", flood(3, 352), T0)
    alert, steps = on_cleared(alert, flood(0, 12), T0 + MIN)
    assert (alert.status, alert.status.state, alert.active) == (Status.CLEARED, "cleared_unacknowledged", True)
    assert actions(steps) == [Action.PEAK, Action.CLEARED] and alert.severity is Severity.CRITICAL
    assert (steps[0].at, steps[0].value, steps[0].severity) == (T0, 352, Severity.CRITICAL)  # when it peaked
    assert (alert.cleared_at, alert.current_severity, alert.value) == (T0 + MIN, None, 12)
    assert on_cleared(alert, flood(0, 10), T0 + 2 * MIN) == (alert, ())
    closed, steps = acknowledge(alert, T0 + 3 * MIN, "vanhanh", "operator", "nước đã rút")
    assert closed.status is Status.CLOSED and not closed.active
    assert actions(steps) == [Action.ACKNOWLEDGED, Action.CLOSED] and steps[0].note == "nước đã rút"
    assert closed.acknowledged_by == "vanhanh" and closed.acknowledged_at == T0 + 3 * MIN


def test_acknowledged_alarm_closes_when_it_clears() -> None:
    alert, _ = open_alert("a1", flood(1, 160), T0)
    alert, _ = acknowledge(alert, T0, "vanhanh", "operator", None)
    closed, steps = on_cleared(alert, flood(0, 40), T0 + MIN)
    assert closed.status is Status.CLOSED and actions(steps) == [Action.PEAK, Action.CLEARED, Action.CLOSED]


def test_cleared_alarm_returns_when_the_condition_comes_back() -> None:
    alert, _ = open_alert("a1", flood(1, 160), T0)
    alert, _ = on_cleared(alert, flood(0, 40), T0 + MIN)
    back, steps = apply_signal(alert, flood(1, 170), T0 + 2 * MIN, "unused", raises=2)
    assert back.id == "a1" and back.status is Status.OPEN and back.cleared_at is None and back.raises == 2
    assert actions(steps) == [Action.RETURNED] and back.peak_value == 170


def test_apply_signal_opens_a_new_alarm_only_without_one_and_ignores_a_clear_without_one() -> None:
    assert apply_signal(None, flood(0, 10), T0, "x") is None
    alert, steps = apply_signal(None, flood(2, 260), T0, "x")
    assert alert.id == "x" and actions(steps) == [Action.OPENED]


def test_resolve_closes_at_once_and_closed_alarms_refuse_everything() -> None:
    alert, _ = open_alert("a1", flood(3, 352), T0)
    done, steps = resolve(alert, T0 + MIN, "truongthon", "operator", "Hoàn thành xử lý")
    assert done.status is Status.CLOSED and actions(steps) == [Action.PEAK, Action.RESOLVED]
    cleared, _ = on_cleared(alert, flood(0, 10), T0 + MIN)
    assert actions(resolve(cleared, T0 + MIN, "x", None, None)[1]) == [Action.RESOLVED]  # its peak is in already
    for act in (lambda: acknowledge(done, T0, "x", None, None), lambda: resolve(done, T0, "x", None, None),
                lambda: shelve(done, T0, "x", None, 30, "bảo trì")):
        with pytest.raises(AlertClosedError):
            act()


def test_acknowledging_twice_changes_nothing() -> None:
    alert, _ = open_alert("a1", flood(2, 260), T0)
    acked, _ = acknowledge(alert, T0, "a", None, "first")
    assert acknowledge(acked, T0 + MIN, "b", None, "second") == (acked, ())


def test_shelving_expires_and_a_rise_ends_it() -> None:
    alert, _ = open_alert("a1", flood(2, 260), T0)
    shelved, steps = shelve(alert, T0, "vanhanh", "operator", 30, "cảm biến đang bảo trì")
    assert shelved.shelved(T0 + 29 * MIN) and not shelved.shelved(T0 + 30 * MIN)
    assert actions(steps) == [Action.SHELVED] and steps[0].note == "cảm biến đang bảo trì (30 phút)"
    assert not unshelve_due(shelved, T0 + 29 * MIN) and unshelve_due(shelved, T0 + 30 * MIN)
    back, steps = unshelve(shelved, T0 + 30 * MIN)
    assert back.shelved_until is None and actions(steps) == [Action.UNSHELVED]
    risen, _ = on_active(shelved, flood(3, 360), T0 + MIN)
    assert risen.shelved_until is None and risen.shelved_by is None
    with pytest.raises(ValueError):
        shelve(alert, T0, "vanhanh", "operator", 30, "  ")


def test_escalation_only_for_active_unacknowledged_unshelved_alarms() -> None:
    after = {"critical": 10}
    alert, _ = open_alert("a1", flood(3, 352), T0)
    assert not escalation_due(alert, T0 + 9 * MIN, after, 10) and escalation_due(alert, T0 + 10 * MIN, after, 10)
    shelved, _ = shelve(alert, T0, "vanhanh", "operator", 60, "đã cử người")
    assert not escalation_due(shelved, T0 + 10 * MIN, after, 10)
    cleared, _ = on_cleared(alert, flood(0, 10), T0 + MIN)
    assert not escalation_due(cleared, T0 + 10 * MIN, after, 10)


@pytest.mark.parametrize(("raise_minutes", "limit", "count", "chattering"), [
    ([0, 10, 20, 30, 40, 50], 5, 6, True),
    ([0, 10, 20, 30, 40], 5, 5, False),
    ([-70, -65, 0, 10, 20, 30, 40], 5, 5, False),  # the two raises more than an hour ago are forgotten
    ([0, 1, 2, 3, 4, 5, 6], 0, 7, False),  # limit 0: never
])
def test_chattering_counts_raises_in_the_window(raise_minutes, limit, count, chattering) -> None:
    now = T0 + 50 * MIN
    kept = raises_within([T0 + m * MIN for m in raise_minutes], now, 60)
    assert len(kept) == count and is_chattering(len(kept), limit) is chattering


def test_a_chattering_raise_is_marked_with_its_count() -> None:
    alert, steps = open_alert("a1", flood(1, 160), T0, raises=7, chattering=True)
    assert alert.chattering and alert.raises == 7 and steps[0].note == "báo động dao động: nâng lại 7 lần"
