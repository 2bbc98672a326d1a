"""Why a message was refused, in Vietnamese: the ingester records its reasons in English (logs, /metrics labels);
the pages translate them when they show them, keeping the values (field, device, time) they carry."""

from __future__ import annotations

import re

# (pattern of the English reason, Vietnamese template with the pattern's groups); the first match wins.
REASONS_VI: tuple[tuple[str, str], ...] = (
    (r"item (\d+): (.*)", "mục {0}: {1*}"),
    (r"PAM Air: (.*)", "PAM Air: {0*}"),
    (r"(\w+)(?: is|:) not a finite number.*", "{0}: không phải số hữu hạn"),
    (r"(\w+) must be a number, got (.*)", "{0} phải là số, nhận được {1}"),
    (r"(\w+)=(\S+) (.*) is outside (\S+)", "{0} = {1} {2} nằm ngoài khoảng cho phép {3}"),
    (r"unknown field (.*) \(known: (.*)\)", "trường không biết {0} (các trường hợp lệ: {1})"),
    (r"missing required field (.*)", "thiếu trường bắt buộc {0}"),
    (r"no measurement fields.*", "không có trường số đo nào"),
    (r"(\w+) is not JSON", "{0} không phải JSON"),
    (r"not valid JSON.*", "không phải JSON hợp lệ"),
    (r"JSON nested more than (\d+) levels deep", "JSON lồng nhau quá {0} cấp"),
    (r"ts (.*) is more than 5 minutes in the future.*",
     "thời điểm {0} sớm hơn hiện tại quá 5 phút (đồng hồ thiết bị sai?)"),
    (r"ts (.*) is more than 7 days old", "thời điểm {0} cũ hơn 7 ngày"),
    (r"ts (.*) has no UTC offset.*", "thời điểm {0} thiếu múi giờ: thêm +07:00 hoặc Z"),
    (r"ts (.*) is not ISO 8601.*", "thời điểm {0} không đúng dạng ISO 8601 (ví dụ 2026-11-23T14:05:00+07:00)"),
    (r"ts (.*) is not a valid epoch time.*", "thời điểm {0} không phải số giây epoch hợp lệ"),
    (r"ts (.*) is out of range.*", "thời điểm {0} nằm ngoài phạm vi"),
    (r"ts must be.*", "ts phải là chuỗi ISO 8601 hoặc số giây epoch"),
    (r"payload of (\d+) bytes is over the 64 KiB limit", "bản tin {0} byte vượt giới hạn 64 KiB"),
    (r"empty array", "mảng rỗng"),
    (r"(.*)expected a JSON object, got (\w+)", "{0}cần một đối tượng JSON, nhận được {1}"),
    (r"unknown device (.*): add it under sensors:.*",
     "thiết bị chưa khai báo {0}: thêm vào mục sensors: của cấu hình"),
    (r"device is configured as (\w+), not (\w+) (.*): add it.*",
     "thiết bị {2} được khai báo là loại {0}, không phải {1}"),
    (r"unknown camera (.*): add it under cameras:.*", "camera chưa khai báo {0}: thêm vào mục cameras: của cấu hình"),
    (r"topic is not .*", "chủ đề MQTT không đúng dạng <prefix>/<loại>/<thiết bị>/<state|status|event>"),
    (r"unknown channel (.*)", "kênh không biết {0}"),
    (r"status must be 'online' or 'offline', got (.*)", "trạng thái phải là 'online' hoặc 'offline', nhận được {0}"),
    (r"store refused: (.*)", "kho dữ liệu từ chối: {0}"),
    (r"internal error while decoding.*", "lỗi nội bộ khi giải mã (xem nhật ký dịch vụ)"),
    (r"a camera event must be a JSON object", "sự kiện camera phải là một đối tượng JSON"),
    (r"type must be one of (.*) and phase one of (.*)", "type phải là một trong {0}; phase là một trong {1}"),
    (r"score must be a number from 0 to 1", "score phải là số từ 0 đến 1"),
    (r"zone, snapshot and event_id must be text", "zone, snapshot và event_id phải là chuỗi"),
    (r"snapshot must be a relative path.*", "snapshot phải là đường dẫn tương đối trong thư mục ảnh chụp"),
    # what /api/health says is wrong (problems, part details) and why data was lost or set aside (losses)
    (r"(.*): readings are held unacknowledged until there is room",
     "{0*}: số đo được giữ lại, chưa xác nhận với broker, cho tới khi có chỗ"),
    (r"disk full at (\S+)(?: \(SQLite: .*\))?", "đầy đĩa tại {0}"),
    (r"disk quota exceeded at (\S+)", "hết hạn mức đĩa tại {0}"),
    (r"read-only (?:file system|database) at (\S+).*", "chỉ đọc, không ghi được tại {0}"),
    (r"permission denied at (\S+)", "không có quyền ghi tại {0}"),
    (r"(?:disk )?I/O error at (\S+).*", "lỗi đọc ghi đĩa tại {0}"),
    (r"cannot open the database file at (\S+).*", "không mở được tệp cơ sở dữ liệu tại {0}"),
    (r"database locked at (\S+).*", "cơ sở dữ liệu đang bị khóa tại {0}"),
    (r"store down, readings spooled: (.*)", "kho dữ liệu không ghi được, số đo đang lưu tạm trên đĩa: {0*}"),
    (r"InfluxDB unreachable: (.*)", "không kết nối được InfluxDB ({0})"),
    (r"InfluxDB refused the write: (.*)", "InfluxDB từ chối ghi: {0}"),
    (r"MQTT broker not connected", "chưa kết nối được broker MQTT"),
    (r"dead letters cannot be recorded: (.*)", "không ghi được bản tin bị từ chối: {0}"),
    (r"camera events cannot be recorded: (.*)", "không ghi được sự kiện camera: {0}"),
    (r"store refused the points", "kho dữ liệu từ chối vĩnh viễn (đã chuyển vào bản tin bị từ chối)"),
    (r"dead letter could not be recorded", "bản tin bị từ chối nhưng không ghi lại được"),
    (r"spool lines unreadable \(quarantined; never acknowledged\)",
     "dòng hỏng trong hàng đợi đĩa (để riêng; chưa xác nhận nên broker gửi lại)"),
    (r"its thread ended", "luồng xử lý đã dừng bất thường"),
    (r"the MQTT loop thread ended", "luồng nhận MQTT đã dừng bất thường"),
    (r"restart failed: (.*)", "khởi động lại thất bại: {0*}"),
    (r"no progress for (\d+) s.*", "không tiến triển trong {0} giây"),
)
_COMPILED = tuple((re.compile(pattern, re.DOTALL), template) for pattern, template in REASONS_VI)


def reason_vi(reason: str) -> str:
    """The Vietnamese wording of a refusal reason; unknown reasons stay as they are (never lost)."""
    for pattern, template in _COMPILED:
        match = pattern.fullmatch(reason.strip())
        if match:
            groups = match.groups()
            out = template
            for i, value in enumerate(groups):
                out = out.replace(f"{{{i}*}}", reason_vi(value)).replace(f"{{{i}}}", value)
            return out
    return reason


def reason_text(reason: str, lang: str) -> str:
    """The reason in the page's language (the recorded text is English)."""
    return reason if lang == "en" else reason_vi(reason)
