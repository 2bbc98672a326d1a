"""Vietnamese everywhere in Vietnamese mode, English everywhere in English mode: the word checks that the walk of
every page for every configured role in a real Chromium applies (tests/dashboard/test_every_page_browser.py reads
each page in both languages), and their own test. Each page's visible text (innerText, plus the hover titles and
input placeholders a person reads) is searched for words of the other language: in Vietnamese mode, a curated list
of English UI words as whole words (ids such as flood-01 and units such as PM2.5 are one token and never match); in
English mode, words with Vietnamese letters, except the configuration's own names (commune, district, province,
devices, cameras, walls), which are proper names in both languages."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# English words that have no place in Vietnamese text (compared lower-case, whole tokens).
ENGLISH = {
    "open", "acknowledge", "acknowledged", "warning", "major", "minor", "critical", "covered", "online", "offline",
    "save", "saved", "cancel", "logout", "login", "loading", "none", "null", "undefined", "nan", "true", "false",
    "error", "failed", "pending", "resolved", "active", "delete", "edit", "submit", "search", "export", "download",
    "upload", "status", "level", "alarm", "alert", "alerts", "sensor", "sensors", "indicator", "indicators",
    "settings", "users", "user", "sessions", "session", "time", "date", "yes", "the", "and", "of", "for", "with",
    "from", "is", "not", "intrusion", "loitering", "flood", "rain", "air", "zone", "unknown", "missing",
    "device", "lost", "signal", "water", "report", "reports", "month", "year", "quarter", "target", "actual",
    "home", "back", "close", "show", "hide", "all", "filter", "page", "next", "previous", "note", "notes",
    "recent", "failures", "messages", "people", "duty", "queued", "sent", "attempts", "reason", "address", "person",
    "channel", "start", "end", "result", "plan", "near", "behind", "met", "live", "picture", "snapshot", "clip",
}
# Not here: "to" and "no", Vietnamese words too ("Phóng to", "mưa to", "no nước").
# Correct in both languages: loan words and names a Vietnamese UI uses as they are.
BOTH = {
    "camera": "loan word: 'camera' is the Vietnamese word",
    "zalo": "a product name",
    "english": "the language switch names the other language in its own words",
}
# Shown as they are in both languages: a product's name, and a device's raw payload (its JSON, e.g. {"pm25": "NaN"}).
VERBATIM = re.compile(r"PAM Air|\{[^{}]*\}")
VI_LETTERS = "àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ"
TOKEN = re.compile(r"[^\W_](?:[\w.\-/]*[^\W_])?")  # ids (flood-01, cam-01), units (PM2.5, µg/m³) stay whole

TEXT_JS = """() => {
  const extra = Array.from(document.querySelectorAll('[title], [placeholder]'))
    .filter(el => el.getClientRects().length)
    .map(el => (el.getAttribute('title') || '') + ' ' + (el.getAttribute('placeholder') || ''));
  return document.body.innerText + '\\n' + extra.join('\\n');
}"""


def names_of(config: Any) -> set[str]:
    """Every word of the configuration's proper names (lower-case): they are Vietnamese in an English page too."""
    texts = [config.commune.name, config.commune.district, config.commune.province, "Tiếng Việt"]
    texts += [s.name for s in config.sensors] + [c.name for c in config.cameras] + [w.title for w in config.walls]
    texts += [p.title for w in config.walls for p in getattr(w, "pages", ()) or ()]
    return {word.lower() for text in texts for word in TOKEN.findall(unicodedata.normalize("NFC", text))}


def english_words(text: str) -> list[str]:
    return [w for w in TOKEN.findall(VERBATIM.sub(" ", text)) if w.lower() in ENGLISH and w.lower() not in BOTH]


def vietnamese_words(text: str, names: set[str]) -> list[str]:
    return [w for w in TOKEN.findall(VERBATIM.sub(" ", unicodedata.normalize("NFC", text)))
            if any(ch in VI_LETTERS for ch in w.lower()) and w.lower() not in names]


def test_the_word_checks_catch_the_other_language():
    assert english_words("Mức độ tăng (255,3 cm): warning → major") == ["warning", "major"]
    assert english_words("Khu vực: covered · Camera cam-01 · PM2.5 45 µg/m³ · flood-01 · US AQI") == ["covered"]
    assert english_words("Phóng to · Mưa to · Camera") == []
    assert english_words('thiết bị PAM Air · pm25: không phải số hữu hạn {"pm25": "NaN"} · NaN') == ["NaN"]
    assert vietnamese_words("Level rose at Cầu Phò Nam: Mức ngập 3", {"cầu", "phò", "nam"}) == ["Mức", "ngập"]


def in_context(text: str, words: list[str]) -> list[str]:
    """Each word with the line it stands in, so a failure says where to look."""
    lines = text.splitlines()
    return [f"{w}: " + next((ln.strip()[:120] for ln in lines if w in TOKEN.findall(ln)), "?") for w in words]
