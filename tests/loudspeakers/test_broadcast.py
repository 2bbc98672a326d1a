"""A level-III flood alarm spoken offline (espeak-ng, Vietnamese) and streamed through a real Icecast to the mount
of the hamlet it concerns; a listener decodes speech of the expected length (the espeak-ng rendering's, by oggdec
and by FFmpeg through PyAV); an emergency cuts a scheduled bulletin short; a cluster offline is an alarm."""

from __future__ import annotations

import array
import shutil
import threading
import time
import urllib.error
import urllib.request
import wave
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from alerts.sections import AlertSections
from alerts.service import AlertService
from configfile.loader import parse_config
from dashboard.auth import hash_password
from loudspeakers.player import Kind
from loudspeakers.service import LoudspeakerService, announcer
from loudspeakers.speech import alarm_speech, ogg_seconds, speak
from sensors.models import Reading
from tests.loudspeakers.icecast_server import Icecast
from tests.polling import wait_until

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "loudspeakers" / "config.yaml"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "mat-khau-123"
PASSWORD_HASH = hash_password(PASSWORD)


class Listener:
    """Connects to a mount as soon as it has a source and keeps every byte until the source ends."""

    def __init__(self, url: str) -> None:
        self.url, self.data = url, bytearray()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url, timeout=30) as stream:
                    while chunk := stream.read(4096):
                        self.data.extend(chunk)
                return
            except urllib.error.HTTPError:
                time.sleep(0.05)  # no source yet

    def decoded(self, path: Path) -> tuple[float, int]:
        """Seconds of audio received and the loudest sample (speech is far above silence)."""
        self.thread.join(60)
        path.write_bytes(bytes(self.data))
        seconds = ogg_seconds(path)
        with wave.open(str(path.with_suffix(".decoded.wav"))) as w:
            samples = array.array("h", w.readframes(w.getnframes()))
        return seconds, max(abs(s) for s in samples)


def ffmpeg_decoded(path: Path) -> tuple[str, float, float]:
    """The stream as FFmpeg (PyAV, a project dependency) decodes it, apart from oggdec: codec, seconds, and the
    loudest sample (1.0 full scale)."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        samples, loudest = 0, 0.0
        for frame in container.decode(stream):
            samples += frame.samples
            loudest = max(loudest, float(abs(frame.to_ndarray()).max()))
        return stream.codec_context.name, samples / stream.rate, loudest


def alert_service(config: Any, mqtt: Any = None) -> AlertService:
    """The alert service with the loudspeakers as its announcer, as run_coc wires them."""
    prefix = "coc/quang-tho"
    speakers = announcer(config.loudspeakers, config.commune, config.alerts.rules, mqtt, prefix)
    return AlertService(AlertSections.of(config), prefix, mqtt, config.storage.state_path, None, announcer=speakers)


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[AlertService, LoudspeakerService, Icecast]]:
    if not (shutil.which("espeak-ng") and shutil.which("icecast2")):
        pytest.fail("espeak-ng and icecast2 are needed: bash scripts/install.sh --test")
    icecast = Icecast().start()
    config = parse_config(FIXTURE.read_text(encoding="utf-8"), "config.yaml",
                          environ={"DIR": str(tmp_path), "ICECAST": icecast.url, "HASH": PASSWORD_HASH})
    service = alert_service(config)
    loud = service.announced
    assert isinstance(loud, LoudspeakerService)
    service.start(tick=False)
    try:
        yield service, loud, icecast, config
    finally:
        service.stop()
        icecast.stop()


def test_a_flood_alarm_is_spoken_on_its_hamlets_mount_only(setup: Any, tmp_path: Path) -> None:
    service, loud, icecast, _ = setup
    khe_coc = Listener(f"{icecast.url}/loa-khe-coc")
    service.on_readings([Reading("flood-01", "flood", datetime.now(UTC), {"water_level_cm": 380.0})])
    alert = service.active()[0]
    wait_until(lambda: loud.records, "the broadcast played", 60)
    record = loud.records[0]
    assert (record.cluster, record.kind, record.completed, record.error) == ("khe-coc", Kind.EMERGENCY, True, "")
    expected = speak(alarm_speech(alert, "Xã Quảng Thọ", "Bà con sẵn sàng sơ tán", 1), tmp_path / "expected")
    assert "Thông báo khẩn cấp của Xã Quảng Thọ" in expected.text
    seconds, loudest = khe_coc.decoded(tmp_path / "heard.ogg")
    assert abs(seconds - expected.duration_s) < 0.5 and expected.duration_s > 3
    assert loudest > 3000  # speech, not silence
    codec, ff_seconds, ff_loudest = ffmpeg_decoded(tmp_path / "heard.ogg")  # a second, independent decoder
    assert codec == "vorbis" and abs(ff_seconds - expected.duration_s) < 0.5 and ff_loudest > 0.1
    with pytest.raises(urllib.error.HTTPError):  # the other hamlet's mount never had a source
        urllib.request.urlopen(f"{icecast.url}/loa-ben-do", timeout=5)
    assert [r.cluster for r in loud.records] == ["khe-coc"]


def test_an_emergency_cuts_a_scheduled_bulletin_short(setup: Any, tmp_path: Path) -> None:
    service, loud, _, _ = setup
    long_text = " ".join(["Bản tin sáng của đài truyền thanh xã Quảng Thọ, hôm nay trời nhiều mây."] * 6)
    bulletin = speak(long_text, tmp_path / "bulletin")
    (tmp_path / "ban-tin-sang.ogg").write_bytes(bulletin.ogg)
    loud.play_bulletin("sang")
    player = loud.players["khe-coc"]
    wait_until(lambda: player.playing is not None and player.playing.kind is Kind.SCHEDULED, "bulletin playing")
    service.on_readings([Reading("flood-01", "flood", datetime.now(UTC), {"water_level_cm": 380.0})])
    wait_until(lambda: len(loud.records) == 2, "bulletin cut and alarm played", 90)
    cut, alarm = loud.records
    assert (cut.kind, cut.completed) == (Kind.SCHEDULED, False)
    assert (cut.ended_at - cut.started_at).total_seconds() < bulletin.duration_s
    assert (alarm.kind, alarm.completed, alarm.cluster) == (Kind.EMERGENCY, True, "khe-coc")
    assert alarm.started_at >= cut.ended_at


def test_an_operator_types_a_message_for_chosen_hamlets_and_it_is_audited(setup: Any, tmp_path: Path) -> None:
    from dashboard.app import create_server
    from dashboard.context import AppContext

    service, loud, icecast, config = setup
    api = create_server(AppContext(config=config, alerts=service, loudspeakers=loud)).test_client()
    operator = {"Authorization": "Bearer operator-token-0123456789"}
    leader = {"Authorization": "Bearer leader-token-0123456789"}
    body = {"text": "Thôn Bến Đò chú ý, nước sông đang lên.", "clusters": ["ben-do"]}
    assert api.post("/api/loudspeakers/announce", json=body, headers=leader).status_code == 403
    assert api.post("/api/loudspeakers/announce", json={**body, "clusters": ["nowhere"]},
                    headers=operator).status_code == 400
    for hostile in ({"text": "x", "clusters": [{"a": 1}]}, {"text": "x", "clusters": "ben-do"}, {"text": ""}):
        assert api.post("/api/loudspeakers/announce", json=hostile, headers=operator).status_code == 400
    ben_do = Listener(f"{icecast.url}/loa-ben-do")
    assert api.post("/api/loudspeakers/announce", json=body, headers=operator).status_code == 202
    wait_until(lambda: loud.records, "the message played", 60)
    seconds, loudest = ben_do.decoded(tmp_path / "heard.ogg")
    assert seconds > 1.5 and loudest > 3000
    listed = api.get("/api/loudspeakers", headers=leader).json
    assert [(p["cluster"], p["kind"], p["completed"]) for p in listed["played"]] == [("ben-do", "message", True)]
    assert {c["id"]: c["mount"] for c in listed["clusters"]} == {"khe-coc": "/loa-khe-coc", "ben-do": "/loa-ben-do"}
    audit = [(e.actor, e.action) for e in reversed(service.duty.store.audit())]
    assert audit == [("vanhanh", "broadcast_message"), ("system", "broadcast_played")]


def test_a_cluster_reports_over_mqtt_and_an_offline_cluster_is_an_alarm(tmp_path: Path, mosquitto: Any) -> None:
    import json

    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    from dashboard.app import create_server
    from dashboard.context import AppContext

    text = FIXTURE.read_text(encoding="utf-8").replace("port: 1883", f"port: {mosquitto.port}")
    config = parse_config(text, "config.yaml", environ={"DIR": str(tmp_path), "ICECAST": "http://127.0.0.1:9",
                                                         "HASH": PASSWORD_HASH})
    service = alert_service(config, config.mqtt)
    service.start(tick=False)
    device = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="loa-khe-coc")
    device.will_set("coc/quang-tho/speaker/khe-coc/status", "offline", qos=1, retain=True)
    device.connect("127.0.0.1", mosquitto.port)
    device.loop_start()
    try:
        topic = "coc/quang-tho/speaker/khe-coc"
        device.publish(f"{topic}/status", "online", qos=1, retain=True)
        device.publish(f"{topic}/state", json.dumps({"volume": 70, "playing": "Bản tin sáng"}), qos=1)
        device.publish(f"{topic}/played", json.dumps({"label": "Bản tin sáng", "started_at": "2026-12-07T05:30:00Z",
                                                      "ended_at": "2026-12-07T05:45:00Z", "completed": True}), qos=1)
        loud = service.announced
        assert isinstance(loud, LoudspeakerService)
        api = create_server(AppContext(config=config, alerts=service, loudspeakers=loud)).test_client()
        auth = {"Authorization": "Bearer leader-token-0123456789"}
        wait_until(lambda: api.get("/api/loudspeakers", headers=auth).json["reported"], "the cluster's report")
        listed = api.get("/api/loudspeakers", headers=auth).json
        khe_coc = next(c for c in listed["clusters"] if c["id"] == "khe-coc")
        assert (khe_coc["online"], khe_coc["volume"], khe_coc["device_playing"]) == (True, 70, "Bản tin sáng")
        assert listed["reported"][0]["label"] == "Bản tin sáng" and listed["reported"][0]["completed"] is True
        assert not service.active()

        device.disconnect()  # an unclean end would do the same through the will; here the cluster says so
        device.loop_stop()
        offline = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="loa-khe-coc-2")
        offline.connect("127.0.0.1", mosquitto.port)
        offline.loop_start()
        offline.publish(f"{topic}/status", "offline", qos=1, retain=True).wait_for_publish(5)
        wait_until(lambda: service.active(), "the offline alarm")
        alarm = service.active()[0]
        assert (alarm.rule, alarm.subject, alarm.severity) == ("speaker_offline", "khe-coc", "major")
        assert alarm.title_vi == "Cụm loa thôn Khe Cốc mất kết nối" and alarm.place == "Thôn Khe Cốc"
        offline.publish(f"{topic}/status", "online", qos=1, retain=True).wait_for_publish(5)
        wait_until(lambda: service.get(alarm.id).alert.status == "cleared", "the alarm cleared when back online")
        offline.disconnect()
        offline.loop_stop()
    finally:
        service.stop()


def test_the_loudspeaker_page_sends_a_typed_message_to_chosen_hamlets(setup: Any, browser: Any) -> None:
    import threading

    from werkzeug.serving import make_server

    from dashboard.app import create_server
    from dashboard.context import AppContext
    from tests.browser import logged_in_page
    from tests.servers import free_port

    service, loud, _, config = setup
    port = free_port()
    http = make_server("127.0.0.1", port, create_server(AppContext(config=config, alerts=service, loudspeakers=loud)),
                       threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        service.on_readings([Reading("flood-01", "flood", datetime.now(UTC), {"water_level_cm": 380.0})])
        page = logged_in_page(browser, f"http://127.0.0.1:{port}", "vanhanh", PASSWORD, 1280, 800)
        page.wait_for_load_state()
        page.goto(f"http://127.0.0.1:{port}/loudspeakers")
        assert page.is_checked("input[value=khe-coc]")  # the open alarm's hamlet comes preselected
        page.uncheck("input[value=khe-coc]")
        page.check("input[value=ben-do]")
        page.fill("textarea[name=text]", "Bà con thôn Bến Đò chú ý, nước sông đang lên, không qua đò.")
        page.click("#loud-send")
        assert "ben-do" in page.inner_text("#loud-note")
        wait_until(lambda: {r.cluster for r in loud.records} == {"khe-coc", "ben-do"}, "both played", 90)
        page.goto(f"http://127.0.0.1:{port}/loudspeakers")
        played = page.inner_text("#loud-played")
        assert "Khẩn cấp" in played and "Tin nhắn" in played and "Bến Đò chú ý" in played
        page.screenshot(path=str(SHOTS / "loudspeakers-1280x800.png"), full_page=True)
        page.context.close()
    finally:
        http.shutdown()
    assert any(e.action == "broadcast_message" and e.actor == "vanhanh" for e in service.duty.store.audit())


def test_a_bulletin_starts_at_its_local_time_once_a_day(tmp_path: Path) -> None:
    config = parse_config(FIXTURE.read_text(encoding="utf-8"), "config.yaml",
                          environ={"DIR": str(tmp_path), "ICECAST": "http://127.0.0.1:9", "HASH": PASSWORD_HASH})
    (tmp_path / "ban-tin-sang.ogg").write_bytes(speak("Bản tin sáng.", tmp_path / "b").ogg)
    now = [datetime(2026, 12, 7, 22, 29, tzinfo=UTC)]  # 05:29 in Hà Nội the next morning
    loud = LoudspeakerService(config.loudspeakers, config.commune, config.alerts.rules, clock=lambda: now[0])
    player = loud.players["khe-coc"]
    loud._bulletins_due()
    assert player._items == []
    now[0] = datetime(2026, 12, 7, 22, 30, 20, tzinfo=UTC)  # 05:30
    loud._bulletins_due()
    loud._bulletins_due()
    assert [(i.kind, i.label) for i in player._items] == [(Kind.SCHEDULED, "Bản tin sáng")]
    assert loud.players["ben-do"]._items == []  # the bulletin names khe-coc only
