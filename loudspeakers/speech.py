"""Text to speech, offline: espeak-ng's Vietnamese voice to WAV, oggenc to Ogg Vorbis for Icecast."""

from __future__ import annotations

import hashlib
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

from alerts.messages import SEVERITY_WORDS
from alerts.models import Alert


@dataclass(frozen=True, slots=True)
class Clip:
    """A spoken message ready to stream."""

    ogg: bytes
    duration_s: float
    text: str


def alarm_speech(alert: Alert, commune: str, action_vi: str, repeat: int) -> str:
    """What the loudspeakers say: who speaks, the alarm, what to do; said `repeat` times."""
    once = f"Thông báo {SEVERITY_WORDS[alert.severity][0].lower()} của {commune}. {alert.title_vi}."
    if action_vi:
        once += f" {action_vi}."
    return " ".join([once] * repeat)


def speak(text: str, work_dir: Path, voice: str = "vi", wpm: int = 140) -> Clip:
    """The text spoken by espeak-ng and encoded as Ogg Vorbis (files kept under work_dir by content)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha1(f"{voice}|{wpm}|{text}".encode()).hexdigest()[:16]
    wav, ogg = work_dir / f"{name}.wav", work_dir / f"{name}.ogg"
    if not ogg.exists():
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "-w", str(wav), "--stdin"], input=text.encode(),
                       check=True, capture_output=True, timeout=60)  # stdin: a text starting with '-' is no option
        subprocess.run(["oggenc", "-Q", "-o", str(ogg), str(wav)], check=True, capture_output=True, timeout=60)
    return Clip(ogg.read_bytes(), wav_seconds(wav), text)


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def ogg_seconds(path: Path) -> float:
    """Duration of an Ogg Vorbis file (decoded with oggdec)."""
    wav = path.with_suffix(".decoded.wav")
    subprocess.run(["oggdec", "-Q", "-o", str(wav), str(path)], check=True, capture_output=True, timeout=60)
    return wav_seconds(wav)
