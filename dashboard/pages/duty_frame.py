"""The plain server-rendered frame of the duty pages (/duty, /loudspeakers): dark, Vietnamese first, no Dash."""

from __future__ import annotations

PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Sổ trực ban – COC</title><style>
body{margin:0;background:#0b1220;color:#e6edf7;font:16px/1.4 "Noto Sans",Roboto,Arial,sans-serif}
main{max-width:1100px;margin:0 auto;padding:16px} h1{margin:0 0 4px} h2{font-size:20px;margin:22px 0 8px}
.muted,.en{color:#93a4c3;font-size:14px} table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #24324f;padding:6px 8px;text-align:left;vertical-align:top}
.box{background:#131d31;border:1px solid #24324f;border-radius:10px;padding:12px 14px;margin:8px 0}
input,textarea{box-sizing:border-box;font-size:15px;border-radius:6px;border:1px solid #33466d;background:#0b1220;
color:#e6edf7;padding:6px} textarea{width:100%;min-height:60px} button{padding:8px 14px;font-size:15px;border:0;
border-radius:6px;background:#2f7cf6;color:#fff} .err{background:#5b1a1a;border:1px solid #a33;padding:8px;
border-radius:6px} .ok{color:#81c784} .bad{color:#ef9a9a} a{color:#8fb8ff}
</style></head><body><main>{{ body|safe }}</main></body></html>"""
