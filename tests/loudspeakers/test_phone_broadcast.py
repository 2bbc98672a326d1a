"""'Phát loa' on the phone page /p/<code>: the duty officer (an operator) on the dyke sends a text to chosen hamlets'
loudspeakers from the signed link — this alarm's hamlets preselected, the alarm's text ready to edit — through the
same service as /loudspeakers (a real Icecast; a listener decodes speech), audited with the alarm; a leader's or a
police officer's link shows no form and is refused; an expired or forged link is refused; a recording (a phone's
AAC/m4a) is played instead of a text, and a file that is no audio is refused; the wall's way in, /loudspeakers,
preselects the hamlets of the open alarms."""

from __future__ import annotations

import io
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from alerts.service import AlertService
from configfile.loader import parse_config
from dashboard.app import create_server
from dashboard.auth import hash_password
from dashboard.context import AppContext
from loudspeakers.player import Kind
from loudspeakers.service import LoudspeakerService
from sensors.models import Reading
from tests.loudspeakers.icecast_server import Icecast
from tests.loudspeakers.test_broadcast import SHOTS, Listener, alert_service
from tests.polling import wait_until
from tests.servers import free_port

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "loudspeakers" / "phone.yaml"
PASSWORD = "mat-khau-123"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[AlertService, LoudspeakerService, Icecast, str]]:
    if not (shutil.which("espeak-ng") and shutil.which("icecast2")):
        pytest.fail("espeak-ng and icecast2 are needed: bash scripts/install.sh --test")
    icecast = Icecast().start()
    config = parse_config(FIXTURE.read_text(encoding="utf-8"), "phone.yaml",
                          environ={"DIR": str(tmp_path), "ICECAST": icecast.url, "HASH": hash_password(PASSWORD)})
    service = alert_service(config)
    loud = service.announced
    assert isinstance(loud, LoudspeakerService)
    service.start(tick=False)
    port = free_port()
    app = create_server(AppContext(config=config, alerts=service, loudspeakers=loud))
    http = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        yield service, loud, icecast, f"http://127.0.0.1:{port}"
    finally:
        http.shutdown()
        service.stop()
        icecast.stop()


def phone_recording(path: Path, text: str, work: Path) -> float:
    """What a phone's recorder makes: AAC in an MP4 (m4a) at 44.1 kHz, here of espeak-ng's speech; its seconds."""
    import av

    from loudspeakers.speech import speak

    spoken = speak(text, work)
    with av.open(io.BytesIO(spoken.ogg)) as source, av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=44100)
        stream.layout = "mono"
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=44100)
        samples = 0
        for frame in [*source.decode(audio=0), None]:
            for mono in resampler.resample(frame):
                samples += mono.samples
                out.mux(stream.encode(mono))
        out.mux(stream.encode(None))
    return samples / 44100


def _flood(service: AlertService, sensor: str = "flood-01") -> str:
    service.on_readings([Reading(sensor, "flood", datetime.now(UTC), {"water_level_cm": 380.0})])
    return next(a.id for a in service.active() if a.subject == sensor)


def _audit(service: AlertService, action: str) -> list[Any]:
    return [e for e in reversed(service.duty.store.audit()) if e.action == action]


def test_the_duty_officer_broadcasts_from_the_phone_page(served: Any, browser: Any, tmp_path: Path) -> None:
    service, loud, icecast, base = served
    alert_id = _flood(service)
    code = service.duty.links.make(alert_id, "trucban", datetime.now(UTC), 60)
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{base}/p/{code}")
    form = page.locator("#phone-loud")
    assert form.is_visible() and page.locator("#phone-loud-send").bounding_box()["width"] <= 390
    assert page.is_checked("input[value=khe-coc]") and not page.is_checked("input[value=ben-do]")
    assert "Cầu Phò Nam" in page.input_value("#phone-loud-text")  # the alarm's own text, ready to edit
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone

    page.check("input[value=ben-do]")
    page.fill("#phone-loud-text", "Bà con thôn Khe Cốc và Bến Đò chú ý, nước sông đang lên, không qua đò.")
    ben_do = Listener(f"{icecast.url}/loa-ben-do")
    page.click("#phone-loud-send")
    assert "Thôn Khe Cốc, Thôn Bến Đò" in page.inner_text("#phone-loud-note")
    assert page.locator("#phone-ack").is_visible()  # the link still acknowledges (once) after a broadcast
    page.screenshot(path=str(SHOTS / "phone-broadcast-390x844.png"), full_page=True)
    page.reload()  # the browser sends the form again: a repeat within a minute is not spoken twice
    assert "vừa được phát" in page.inner_text("#phone-loud-note")
    wait_until(lambda: {r.cluster for r in loud.records} == {"khe-coc", "ben-do"}, "both hamlets played", 90)
    assert {(r.kind, r.completed) for r in loud.records} == {(Kind.MESSAGE, True)}
    seconds, loudest = ben_do.decoded(tmp_path / "heard.ogg")
    assert seconds > 3 and loudest > 3000  # speech, not silence

    page.click("#phone-ack")  # acknowledging after the broadcast, then a second message from the same page
    assert "Đã tiếp nhận" in page.inner_text("#phone-acked")
    page.fill("#phone-loud-text", "Thôn Khe Cốc: đội xung kích đã có mặt tại Cầu Phò Nam.")
    page.uncheck("input[value=ben-do]")
    page.click("#phone-loud-send")
    assert "Đã gửi tới Thôn Khe Cốc /" in page.inner_text("#phone-loud-note")
    page.context.close()

    sent = _audit(service, "broadcast_message")
    assert [(e.actor, e.alert_id) for e in sent] == [("trucban", alert_id)] * 2
    assert sent[0].detail.startswith("khe-coc, ben-do: Bà con thôn Khe Cốc") and sent[0].detail.endswith(
        "(qua điện thoại)")
    assert sent[1].detail.startswith("khe-coc: Thôn Khe Cốc: đội xung kích")
    wait_until(lambda: len(loud.records) == 3, "the second message played", 90)

    from tests.browser import logged_in_page

    desk = logged_in_page(browser, base, "trucban", PASSWORD, 1280, 800)
    desk.wait_for_load_state()
    desk.goto(f"{base}/duty")  # the duty audit names the broadcast in Vietnamese, with the alarm
    audit = desk.inner_text("#duty-audit")
    assert "Phát loa" in audit and "Loa đã phát" in audit and alert_id in audit and "(qua điện thoại)" in audit
    desk.context.close()


def test_a_role_that_may_not_broadcast_and_a_bad_link_are_refused(served: Any) -> None:
    import requests

    service, loud, _, base = served
    alert_id = _flood(service)
    now = datetime.now(UTC)
    body = {"text": "Tin giả", "clusters": ["khe-coc"]}
    for person in ("chutich", "congan"):  # a leader, a police officer: no form, and a POST is refused
        code = service.duty.links.make(alert_id, person, now, 60)
        page = requests.get(f"{base}/p/{code}", timeout=30)
        assert page.status_code == 200 and "phone-ack" in page.text and "phone-loud" not in page.text
        refused = requests.post(f"{base}/p/{code}/loa", data=body, timeout=30)
        assert refused.status_code == 403 and "không được phát loa" in refused.text
    expired = service.duty.links.make(alert_id, "trucban", now - timedelta(hours=2), 60)
    assert requests.post(f"{base}/p/{expired}/loa", data=body, timeout=30).status_code == 410
    good = service.duty.links.make(alert_id, "trucban", now, 60)
    forged = good[:-1] + ("A" if good[-1] != "A" else "B")
    assert requests.post(f"{base}/p/{forged}/loa", data=body, timeout=30).status_code == 404
    for bad in ({"text": "", "clusters": ["khe-coc"]}, {"text": "x"}, {"text": "x", "clusters": ["nowhere"]}):
        answer = requests.post(f"{base}/p/{good}/loa", data=bad, timeout=30)
        assert answer.status_code == 400 and "Chọn thôn và nhập nội dung" in answer.text
    assert requests.get(f"{base}/p/{good}/loa", timeout=30).status_code == 404  # nothing else under the link
    assert requests.get(f"{base}/loudspeakers", timeout=30, allow_redirects=False).status_code == 302
    assert loud.records == [] and not _audit(service, "broadcast_message")
    refusals = [(e.actor, e.detail) for e in _audit(service, "link_refused")]
    assert ("chutich", "broadcast: role leader may not") in refusals
    assert ("congan", "broadcast: role police may not") in refusals
    assert any(actor == "trucban" and detail.startswith("expired") for actor, detail in refusals)


def test_the_loudspeaker_page_preselects_the_hamlets_of_the_open_alarms(served: Any, browser: Any,
                                                                         tmp_path: Path) -> None:
    from tests.browser import logged_in_page

    service, loud, _, base = served
    _flood(service, "flood-02")  # the Bến đò gauge: Thôn Bến Đò
    page = logged_in_page(browser, base, "trucban", PASSWORD, 1280, 800)
    page.wait_for_load_state()
    page.goto(f"{base}/loudspeakers")
    assert page.is_checked("input[value=ben-do]") and not page.is_checked("input[value=khe-coc]")
    assert "Bến đò" in page.inner_text("#loud-preselected")
    first = _flood(service, "flood-01")
    page.goto(f"{base}/loudspeakers?alert={first}")  # one alarm's hamlets and its spoken text
    assert page.is_checked("input[value=khe-coc]") and not page.is_checked("input[value=ben-do]")
    assert "Cầu Phò Nam" in page.input_value("textarea[name=text]")
    seconds = phone_recording(tmp_path / "ghi-am.m4a", "Thôn Khe Cốc chú ý.", tmp_path)  # a recording from here too
    page.set_input_files("#loud-audio", str(tmp_path / "ghi-am.m4a"))
    page.click("#loud-send")
    assert "Đã gửi tới khe-coc" in page.inner_text("#loud-note")
    page.context.close()
    wait_until(lambda: loud.records, "the recording played", 90)
    assert [(r.cluster, r.label, r.completed) for r in loud.records] == [("khe-coc", "Ghi âm của trucban", True)]
    assert _audit(service, "broadcast_message")[0].detail == f"khe-coc: ghi âm {seconds:.0f} giây"


def test_a_recording_from_the_phone_is_played_and_a_file_that_is_no_audio_is_refused(
        served: Any, browser: Any, tmp_path: Path) -> None:
    service, loud, icecast, base = served
    alert_id = _flood(service)
    seconds = phone_recording(tmp_path / "ghi-am.m4a", "Bà con thôn Khe Cốc chú ý, nước đang lên nhanh.", tmp_path)
    (tmp_path / "anh.m4a").write_bytes(b"\xff\xd8 not audio, a picture named .m4a " * 20)
    code = service.duty.links.make(alert_id, "trucban", datetime.now(UTC), 60)
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{base}/p/{code}")
    page.set_input_files("#phone-loud-audio", str(tmp_path / "anh.m4a"))
    page.click("#phone-loud-send")
    assert "Không phát được bản ghi âm" in page.inner_text("#phone-loud-note")
    assert loud.records == [] and not _audit(service, "broadcast_message")

    khe_coc = Listener(f"{icecast.url}/loa-khe-coc")
    page.set_input_files("#phone-loud-audio", str(tmp_path / "ghi-am.m4a"))
    page.click("#phone-loud-send")
    assert "Đã gửi tới Thôn Khe Cốc /" in page.inner_text("#phone-loud-note")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()
    wait_until(lambda: loud.records, "the recording played", 90)
    assert [(r.cluster, r.kind, r.label, r.completed) for r in loud.records] == [
        ("khe-coc", Kind.MESSAGE, "Ghi âm của trucban", True)]
    heard, loudest = khe_coc.decoded(tmp_path / "heard.ogg")
    assert abs(heard - seconds) < 0.5 and loudest > 3000  # the recording's length, speech not silence
    sent = _audit(service, "broadcast_message")
    assert [(e.actor, e.alert_id) for e in sent] == [("trucban", alert_id)]
    assert sent[0].detail == f"khe-coc: ghi âm {seconds:.0f} giây (qua điện thoại)"
