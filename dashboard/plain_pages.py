"""The server-rendered HTML pages outside Dash: login, 403 and 429, in the wall's dark style."""

from __future__ import annotations

from flask import render_template_string

from dashboard.i18n import t

_BASE = """<!doctype html><html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ title }} – COC</title>
<style>
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#0b1220;
color:#e6edf7;font-family:"Segoe UI","Noto Sans",Roboto,Arial,sans-serif}
.box{background:#131d31;border:1px solid #24324f;border-radius:12px;padding:32px 40px;min-width:320px;max-width:480px}
h1{font-size:26px;margin:0 0 6px} .sub{color:#93a4c3;margin:0 0 22px}
label{display:block;margin:14px 0 6px;color:#b9c6de} input{width:100%;box-sizing:border-box;padding:10px 12px;
font-size:17px;border-radius:8px;border:1px solid #33466d;background:#0b1220;color:#e6edf7}
button{margin-top:22px;width:100%;padding:12px;font-size:18px;border:0;border-radius:8px;background:#2f7cf6;color:#fff;
cursor:pointer} .err{background:#5b1a1a;border:1px solid #a33;padding:10px 12px;border-radius:8px;margin-bottom:10px}
a{color:#8fb8ff} .lang{margin-top:18px;text-align:right;font-size:14px}
</style></head><body><div class="box">{{ body|safe }}</div></body></html>"""

_LOGIN = """<h1>{{ t('login.title', lang) }}</h1><p class="sub">{{ commune }} – {{ t('app.title', lang) }}</p>
{% if error %}<div class="err" role="alert" id="login-error">{{ error }}</div>{% endif %}
<form method="post" action="/login" autocomplete="on">
<input type="hidden" name="csrf_token" value="{{ csrf }}"><input type="hidden" name="next" value="{{ next }}">
<label for="username">{{ t('login.username', lang) }}</label>
<input id="username" name="username" value="{{ username }}" autofocus required>
<label for="password">{{ t('login.password', lang) }}</label>
<input id="password" name="password" type="password" required>
<button type="submit" id="login-submit">{{ t('login.submit', lang) }}</button></form>
<div class="lang"><a id="lang-switch" href="/lang/{{ other }}?next=/login">{{ t('lang.switch', lang) }}</a></div>"""

_MESSAGE = """<h1 id="message-title">{{ title }}</h1><p class="sub">{{ text }}</p>
<p><a href="/">{{ t('home', lang) }}</a></p>"""


def _page(lang: str, title: str, body: str) -> str:
    return render_template_string(_BASE, lang=lang, title=title, body=body)


def login_page(
    lang: str, commune: str, csrf: str, *, error: str = "", username: str = "", next_path: str = ""
) -> str:
    other = "en" if lang == "vi" else "vi"
    body = render_template_string(
        _LOGIN,
        t=t,
        lang=lang,
        commune=commune,
        csrf=csrf,
        error=error,
        username=username,
        next=next_path,
        other=other,
    )
    return _page(lang, t("login.title", lang), body)


def message_page(lang: str, title_key: str, text: str) -> str:
    body = render_template_string(_MESSAGE, t=t, lang=lang, title=t(title_key, lang), text=text)
    return _page(lang, t(title_key, lang), body)
