"""Text to speech, offline: espeak-ng's Vietnamese voice to WAV, oggenc to Ogg Vorbis for Icecast; and a recorded
message (a phone's audio file, decoded by FFmpeg through PyAV) made into the same Ogg Vorbis."""

from __future__ import annotations

import hashlib
import itertools
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


MAX_RECORDING_S = 180.0
RECORDING_RATE = 22050


class RecordingError(ValueError):
    """The recording is no audio FFmpeg can read, is empty, or is longer than MAX_RECORDING_S."""


def recording(data: bytes, work_dir: Path, label: str, max_seconds: float = MAX_RECORDING_S) -> Clip:
    """A recorded message in any format FFmpeg reads (a phone's m4a, webm, 3gp, ogg, wav) as mono Ogg Vorbis."""
    import av

    work_dir.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    upload, wav, ogg = work_dir / f"{name}.upload", work_dir / f"{name}.rec.wav", work_dir / f"{name}.rec.ogg"
    upload.write_bytes(data)
    frames = 0
    try:
        with av.open(str(upload)) as container, wave.open(str(wav), "wb") as out:
            if not container.streams.audio:
                raise RecordingError("no audio in the file")
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RECORDING_RATE)
            resampler = av.AudioResampler(format="s16", layout="mono", rate=RECORDING_RATE)
            for frame in itertools.chain(container.decode(container.streams.audio[0]), [None]):  # None: flush
                for mono in resampler.resample(frame):
                    out.writeframes(mono.to_ndarray().tobytes())
                    frames += mono.samples
                if frames > max_seconds * RECORDING_RATE:
                    raise RecordingError(f"longer than {max_seconds:.0f} s")
    except (av.FFmpegError, OSError, ValueError) as exc:
        wav.unlink(missing_ok=True)
        raise exc if isinstance(exc, RecordingError) else RecordingError("not audio FFmpeg can read") from exc
    finally:
        upload.unlink(missing_ok=True)
    if frames < RECORDING_RATE // 10:
        raise RecordingError("no sound recorded")
    subprocess.run(["oggenc", "-Q", "-o", str(ogg), str(wav)], check=True, capture_output=True, timeout=120)
    return Clip(ogg.read_bytes(), frames / RECORDING_RATE, label)


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def ogg_seconds(path: Path) -> float:
    """Duration of an Ogg Vorbis file (decoded with oggdec)."""
    wav = path.with_suffix(".decoded.wav")
    subprocess.run(["oggdec", "-Q", "-o", str(wav), str(path)], check=True, capture_output=True, timeout=60)
    return wav_seconds(wav)
