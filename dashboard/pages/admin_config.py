"""/admin's check of the running configuration (`check-config` of the file on disk), its problems said in the
page's language: the loader and the secret checks write English for the command line; the sentences they use are
rows of a table here, and a problem that matches no row keeps its words after the Vietnamese frame."""

from __future__ import annotations

import re

from config.problems import ConfigProblem
from dashboard.i18n import t
from dashboard.read.system import system_reads
from dashboard.read_model import ReadModel

# (English pattern, Vietnamese replacement): the messages of configfile.secret_checks and the commonest of the loader.
VI_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"the secret key \(it signs login cookies\) is the demo's \(config/demo\.yaml\): anyone who read the demo can "
     r"use it", "khóa bí mật (ký cookie đăng nhập) là khóa của bản demo (config/demo.yaml): ai đã đọc bản demo đều "
     "dùng được"),
    (r"the API token '(?P<name>[^']+)' is the demo's \(config/demo\.yaml\): anyone who read the demo can use it",
     r"mã API '\g<name>' là mã của bản demo (config/demo.yaml): ai đã đọc bản demo đều dùng được"),
    (r"the secret key \(it signs login cookies\) has (?P<n>\d+) characters; a real installation needs (?P<m>\d+) or "
     r"more", r"khóa bí mật (ký cookie đăng nhập) chỉ có \g<n> ký tự; bản cài thật cần từ \g<m> ký tự"),
    (r"the API token '(?P<name>[^']+)' has (?P<n>\d+) characters; a real installation needs (?P<m>\d+) or more",
     r"mã API '\g<name>' chỉ có \g<n> ký tự; bản cài thật cần từ \g<m> ký tự"),
    (r"user '(?P<name>[^']+)' has a demo password \(its hash is in config/demo\.yaml\)",
     r"người dùng '\g<name>' đang dùng mật khẩu của bản demo (mã băm có trong config/demo.yaml)"),
    (r"make a new hash with `(?P<cmd>[^`]+)` and put it here", r"tạo mã băm mới bằng `\g<cmd>` rồi ghi vào đây"),
    (r"set (?P<var>\w+) to a new random value of at least (?P<m>\d+) characters: (?P<how>.+)",
     r"đặt \g<var> thành một giá trị ngẫu nhiên mới, ít nhất \g<m> ký tự: \g<how>"),
    (r"keep secrets out of the file: write (?P<ref>\S+) here and set it to a new random value of at least (?P<m>\d+) "
     r"characters: (?P<how>.+)", r"không ghi bí mật trong tệp: viết \g<ref> vào đây và đặt nó thành một giá trị "
     r"ngẫu nhiên mới, ít nhất \g<m> ký tự: \g<how>"),
    (r"Field required", "thiếu mục bắt buộc"),
    (r"Extra inputs are not permitted", "mục không có trong lược đồ cấu hình (viết sai tên?)"),
    (r"Input should be a valid (?P<what>\w+)", r"giá trị phải là \g<what> hợp lệ"),
    (r"Input should be greater than or equal to (?P<n>\S+)", r"giá trị phải từ \g<n> trở lên"),
    (r"Input should be less than or equal to (?P<n>\S+)", r"giá trị không được lớn hơn \g<n>"),
    (r"environment variable (?P<var>\w+) is not set", r"chưa đặt biến môi trường \g<var>"),
)


def in_vietnamese(text: str) -> str:
    """An English message of the loader or the secret checks in Vietnamese (unchanged when no row matches)."""
    for pattern, replacement in VI_MESSAGES:
        text = re.sub(pattern, replacement, text)
    return text


def problem_text(problem: ConfigProblem, lang: str) -> str:
    """'config/demo.yaml:32: web.secret_key: <message>\\n    cách sửa: <fix>' in the page's language."""
    if lang != "vi":
        return str(problem)
    where = f"{problem.file}:{problem.line}" if problem.line else problem.file
    return (f"{where}: {problem.key or '(tệp)'}: {in_vietnamese(problem.message)}\n"
            f"    cách sửa: {in_vietnamese(problem.fix)}")


def config_check(rm: ReadModel, lang: str) -> str:
    """`check-config` of the file the running COC was started with (as it is on disk now), through the check the
    wiring handed to the context (none: COC was not started from a file)."""
    check = rm.reads(system_reads).check_config()
    if check is None:
        return t("admin.config.ok", lang, path="—")
    if check.unreadable is not None:
        return check.unreadable
    if check.problems:
        return "\n".join(problem_text(p, lang) for p in check.problems)
    lines = [t("admin.config.ok", lang, path=check.path)]
    lines += [t("admin.config.secret", lang, problem=problem_text(n, lang)) for n in check.notes]
    return "\n".join(lines)
