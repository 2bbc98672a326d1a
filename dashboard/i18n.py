"""Every label the pages show, in Vietnamese (default, full diacritics) and English: one table, one lookup."""

from __future__ import annotations

from typing import Literal

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")

LABELS: dict[str, tuple[str, str]] = {
    # shell, login
    "app.title": ("Trung tâm điều hành xã", "Commune operations center"),
    "login.title": ("Đăng nhập", "Log in"),
    "login.username": ("Tên đăng nhập", "User name"),
    "login.password": ("Mật khẩu", "Password"),
    "login.submit": ("Đăng nhập", "Log in"),
    "login.failed": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password."),
    "login.throttled": (
        "Quá nhiều lần thử. Vui lòng đợi vài phút rồi thử lại.",
        "Too many attempts. Please wait a few minutes and try again.",
    ),
    "login.csrf": ("Phiên làm việc đã hết hạn, vui lòng thử lại.", "The form expired, please try again."),
    "logout": ("Đăng xuất", "Log out"),
    "forbidden.title": ("Không đủ quyền", "Not allowed"),
    "forbidden.text": ("Tài khoản của bạn không được xem trang này.", "Your account may not open this page."),
    "notfound.title": ("Không tìm thấy trang", "Page not found"),
    "home": ("Trang chính", "Home"),
    "lang.switch": ("English", "Tiếng Việt"),
    "nav.wall": ("Màn hình", "Wall"),
    "nav.cameras": ("Camera", "Cameras"),
    "nav.kpi": ("Chỉ tiêu", "Indicators"),
    "nav.alerts": ("Cảnh báo", "Alerts"),
    "nav.admin": ("Quản trị", "Admin"),
    "missing": ("Chưa có dữ liệu", "No data yet"),
    "missing.source": ("Nguồn dữ liệu chưa chạy: {name}", "Data source not running: {name}"),
    # wall
    "wall.disconnected": ("MẤT KẾT NỐI – đang thử lại…", "CONNECTION LOST – retrying…"),
    "wall.freshness": ("Dữ liệu mới nhất: {age}", "Latest data: {age}"),
    "wall.online": ("Trực tuyến", "Online"),
    "wall.offline": ("Mất tín hiệu", "Offline"),
    "wall.never": ("Chưa nhận dữ liệu", "Never seen"),
    "wall.ago": ("{age} trước", "{age} ago"),
    "wall.takeover": ("CẢNH BÁO KHẨN CẤP", "CRITICAL ALERT"),
    "wall.ack": ("Xác nhận", "Acknowledge"),
    "wall.devices": ("Thiết bị", "Devices"),
    "panel.map": ("Bản đồ xã", "Commune map"),
    "panel.air": ("Chất lượng không khí", "Air quality"),
    "panel.flood": ("Mực nước", "Water level"),
    "panel.alerts": ("Cảnh báo đang mở", "Open alerts"),
    "panel.cameras": ("Camera", "Cameras"),
    "panel.kpis": ("Chỉ tiêu chính", "Key indicators"),
    "panel.clock": ("Giờ địa phương", "Local time"),
    "air.indicative": ("tham khảo", "indicative"),
    "air.dominant": ("Chất ô nhiễm chính: {name}", "Dominant pollutant: {name}"),
    "air.us": ("US AQI", "US AQI"),
    "air.no_index": ("Chưa đủ số liệu để tính VN_AQI (cần số liệu của 2 trong 3 giờ gần nhất)",
                     "Not enough data for VN_AQI yet (needs 2 of the last 3 hours)"),
    "air.trend": ("24 giờ qua", "Last 24 hours"),
    "flood.level": ("Báo động {n}", "Alarm level {n}"),
    "flood.normal": ("Bình thường", "Normal"),
    "flood.next": ("Tới báo động {n} sau ~{eta}", "Level {n} in ~{eta}"),
    "flood.trend": ("{v:+.0f} cm/giờ", "{v:+.0f} cm/h"),
    "alerts.none": ("Không có cảnh báo đang mở", "No open alerts"),
    "alerts.acked": ("Đã xác nhận", "Acknowledged"),
    "alerts.open": ("Chưa xác nhận", "Not acknowledged"),
    "alerts.resolved": ("Đã xử lý", "Resolved"),
    "cameras.none": ("Chưa cấu hình camera", "No cameras configured"),
    "cameras.live": ("Trực tiếp", "Live"),
    "cameras.since": ("Mất hình từ {age} trước", "No picture for {age}"),
    "kpis.none": ("Chưa có số liệu chỉ tiêu", "No indicator figures yet"),
    # police view
    "cam.title": ("Camera và cảnh báo camera", "Cameras and camera alerts"),
    "cam.filter.all": ("Tất cả", "All"),
    "cam.filter.online": ("Đang hoạt động", "Online"),
    "cam.filter.offline": ("Mất tín hiệu", "Offline"),
    "cam.filter.alerts": ("Có cảnh báo", "With open alerts"),
    "cam.area": ("Khu vực", "Area"),
    "cam.alerts": ("Cảnh báo camera", "Camera alerts"),
    "cam.history": ("Lịch sử sự kiện", "Event history"),
    "cam.pick": ("Chọn một camera để xem trực tiếp", "Pick a camera to watch live"),
    "cam.zone": ("Vùng {zone}", "Zone {zone}"),
    "cam.score": ("độ tin cậy {score}", "confidence {score}"),
    "cam.at": ("lúc {time}", "at {time}"),
    "cam.open": ("Mở camera này", "Open this camera"),
    "cam.mute": ("Tắt tiếng", "Mute"),
    "cam.unmute": ("Bật tiếng", "Unmute"),
    "cam.offline_sum": ("{n}/{total} camera mất tín hiệu", "{n} of {total} cameras offline"),
    "cam.all_online": ("Tất cả camera đang hoạt động", "All cameras online"),
    "tamper.covered": ("ống kính bị che", "lens covered"),
    "tamper.defocused": ("hình bị mờ", "picture out of focus"),
    "tamper.moved": ("camera bị xoay", "camera moved"),
    "event.motion": ("chuyển động", "motion"),
    "event.intrusion": ("xâm nhập", "intrusion"),
    "event.tamper": ("camera bị che / xoay", "tampering"),
    "event.offline": ("mất hình", "offline"),
    "event.online": ("có hình trở lại", "back online"),
    "note": ("Ghi chú", "Note"),
    "ack": ("Xác nhận", "Acknowledge"),
    "resolve": ("Đã xử lý", "Resolve"),
    "done": ("Đã lưu", "Saved"),
    "readonly": ("Chỉ xem", "Read only"),
    # KPI view (the leaders' report of the year plan)
    "kpi.title": ("Chỉ tiêu kinh tế – xã hội và chuyển đổi số", "Socio-economic and digital transformation indicators"),
    "kpi.kind": ("Báo cáo", "Report"),
    "kpi.kind.month": ("Tháng", "Month"),
    "kpi.kind.quarter": ("Quý", "Quarter"),
    "kpi.kind.6M": ("6 tháng", "6 months"),
    "kpi.kind.9M": ("9 tháng", "9 months"),
    "kpi.kind.year": ("Năm", "Year"),
    "kpi.period": ("Kỳ", "Period"),
    "kpi.pillar": ("Lĩnh vực", "Pillar"),
    "kpi.all_pillars": ("Tất cả lĩnh vực", "All pillars"),
    "kpi.months": ("Số tháng", "Months"),
    "kpi.value": ("Thực hiện", "Value"),
    "kpi.target": ("Kế hoạch", "Plan"),
    "kpi.progress": ("% so với kế hoạch", "% of plan"),
    "kpi.export": ("Tải về", "Export"),
    "kpi.report_pdf": ("Báo cáo PDF", "Report PDF"),
    "kpi.report_xlsx": ("Báo cáo XLSX", "Report XLSX"),
    "kpi.export_csv": ("Bảng CSV", "Table CSV"),
    "kpi.export_xlsx": ("Số liệu các xã XLSX", "All communes XLSX"),
    "kpi.compare": ("So sánh giữa các xã", "Compared across communes"),
    "kpi.no_data": ("chưa có số liệu", "no data"),
    "kpi.sum.met": ("{met}/{judged} chỉ tiêu đạt kế hoạch", "{met} of {judged} indicators met their plan"),
    "kpi.sum.near": ("{n} gần đạt", "{n} near"),
    "kpi.sum.behind": ("{n} chưa đạt", "{n} behind"),
    "kpi.sum.no_target": ("{n} chưa có kế hoạch", "{n} without a plan"),
    "kpi.sum.no_value": ("{n} chưa có số liệu", "{n} without figures"),
    "kpi.rule": (
        "Cách đánh giá: chỉ tiêu cộng dồn (thu ngân sách, việc làm, số vụ…) so lũy kế với kế hoạch năm theo số "
        "tháng đã qua (9 tháng: 9/12 kế hoạch); chỉ tiêu tỷ lệ, bình quân so trực tiếp với kế hoạch; gần đạt: "
        "lệch không quá 10 %. Rê chuột lên ô Đánh giá để xem quy tắc của từng chỉ tiêu.",
        "How statuses are set: cumulative indicators (revenue, jobs, cases…) compare the year to date with the year "
        "plan pro rata (9 months: 9/12 of it); rates and averages compare with the plan itself; near: within 10 %. "
        "Hover a status to see its rule.",
    ),
    "kpi.col.name": ("Chỉ tiêu", "Indicator"),
    "kpi.col.unit": ("Đơn vị", "Unit"),
    "kpi.col.plan": ("Kế hoạch năm", "Year plan"),
    "kpi.col.value": ("Thực hiện", "Result"),
    "kpi.col.ytd": ("Lũy kế", "Year to date"),
    "kpi.col.pct": ("% so với KH", "% of plan"),
    "kpi.col.last": ("Cùng kỳ", "Same period last year"),
    "kpi.col.change": ("So cùng kỳ", "Change"),
    "kpi.col.status": ("Đánh giá", "Status"),
    "kpi.missing_months": ("thiếu số liệu tháng {months}", "no figures for {months}"),
    "kpi.charts": ("Biểu đồ", "Charts"),
    "kpi.charts_behind": ("Biểu đồ các chỉ tiêu chưa đạt, gần đạt", "Charts of the indicators behind plan"),
    "kpi.reports": ("Báo cáo định kỳ đã lập", "Periodic reports"),
    "kpi.reports.none": ("Chưa có báo cáo định kỳ nào (lập theo lịch trong cấu hình)",
                         "No periodic report yet (made on the configured schedule)"),
    "kpi.hamlet.met": ("đạt {met}/{total} tiêu chí", "{met} of {total} criteria met"),
    "kpi.plan": ("Kế hoạch năm", "Year plan"),
    "kpi.plan.help": ("Tệp CSV hoặc XLSX như văn phòng đang dùng: STT | Chỉ tiêu | Đơn vị | Kế hoạch năm 2026. "
                      "Hoặc nhập từng chỉ tiêu bên dưới.",
                      "A CSV or XLSX file as the office keeps it: No. | Indicator | Unit | Plan 2026. Or type one "
                      "target below."),
    "kpi.plan.upload": ("Kéo thả hoặc bấm để chọn tệp kế hoạch", "Drop or click to choose the plan file"),
    "kpi.plan.kpi": ("Chọn chỉ tiêu", "Choose an indicator"),
    "kpi.plan.value": ("Kế hoạch, ví dụ 2.400 hoặc 95,5", "Target, e.g. 2400 or 95.5"),
    "kpi.plan.save": ("Lưu kế hoạch", "Save target"),
    "kpi.plan.type": ("Chỉ nhận tệp .csv hoặc .xlsx", "Only .csv or .xlsx files"),
    "kpi.plan.imported": ("Đã nhận {kept} chỉ tiêu ({new} mới, {changed} thay đổi).",
                          "{kept} targets kept ({new} new, {changed} changed)."),
    "kpi.plan.line": ("Dòng", "Line"),
    "kpi.plan.missing": ("Chọn chỉ tiêu và năm", "Choose an indicator and a year"),
    "kpi.plan.nan": ("'{value}' không phải là số", "'{value}' is not a number"),
    "kpi.plan.saved": ("Đã lưu kế hoạch {value} cho năm {year}", "Target {value} saved for {year}"),
    # alerts, sensors, admin
    "alerts.title": ("Cảnh báo", "Alerts"),
    "alerts.status": ("Trạng thái", "Status"),
    "alerts.severity": ("Mức độ", "Severity"),
    "alerts.kind": ("Loại", "Kind"),
    "alerts.time": ("Thời gian", "Time"),
    "alerts.message": ("Nội dung", "Message"),
    "status.open": ("Đang mở", "Open"),
    "status.acknowledged": ("Đã xác nhận", "Acknowledged"),
    "status.resolved": ("Đã xử lý", "Resolved"),
    "status.all": ("Tất cả", "All"),
    "sensor.title": ("Thiết bị {name}", "Device {name}"),
    "sensor.range": ("Khoảng thời gian", "Time range"),
    "sensor.aqi": ("Lịch sử VN_AQI", "VN_AQI history"),
    "admin.title": ("Quản trị hệ thống", "System administration"),
    "admin.health": ("Tình trạng", "Health"),
    "admin.dead": ("Bản tin bị từ chối", "Rejected messages"),
    "admin.unknown": ("Thiết bị chưa khai báo", "Undeclared devices"),
    "admin.users": ("Người dùng", "Users"),
    "admin.col.part": ("Thành phần", "Part"),
    "admin.col.ok": ("Hoạt động", "Working"),
    "admin.col.detail": ("Chi tiết", "Detail"),
    "admin.col.received_at": ("Thời điểm", "Received"),
    "admin.col.topic": ("Chủ đề MQTT", "MQTT topic"),
    "admin.col.reason": ("Lý do", "Reason"),
    "admin.col.payload": ("Nội dung (1 KiB đầu)", "Payload (first 1 KiB)"),
    "admin.col.kind": ("Loại", "Kind"),
    "admin.col.device_id": ("Mã thiết bị", "Device id"),
    "admin.col.last_topic": ("Chủ đề gần nhất", "Last topic"),
    "admin.col.last_seen": ("Lần cuối", "Last seen"),
    "admin.col.messages": ("Số bản tin", "Messages"),
    "admin.col.username": ("Tên đăng nhập", "User name"),
    "admin.col.role": ("Vai trò", "Role"),
    "admin.col.name": ("Họ tên", "Name"),
    "yes": ("Có", "Yes"),
    "no": ("Không", "No"),
    "role.admin": ("Quản trị", "Administrator"),
    "role.operator": ("Vận hành", "Operator"),
    "role.police": ("Công an xã", "Commune police"),
    "role.leader": ("Lãnh đạo", "Leader"),
    # wall (issue 11)
    "wall.menu": ("☰ Trang khác", "☰ Other pages"),
    "air.provisional": ("tạm tính", "provisional"),
    "air.provisional.title": (
        "Giờ hiện tại chưa kết thúc: chỉ số sẽ còn thay đổi đến {hour}",
        "This hour is not over yet: the index may change until {hour}",
    ),
    "air.hour": ("Giờ {hour}", "Hour to {hour}"),
    "air.source": ("Nguồn: {name}, thiết bị PAM Air của {commune} (số liệu tham khảo)",
                   "Source: {name}, {commune}'s PAM Air monitor (indicative data)"),
    "air.sensitive": ("Người nhạy cảm: {advice}", "Sensitive groups: {advice}"),
    "air.public": ("Người bình thường: {advice}", "General public: {advice}"),
    "air.us_plain": ("US AQI (thang Mỹ)", "US AQI"),
    "flood.next_line": ("Dự kiến đạt {name} sau khoảng {eta}", "Expected to reach {name} in about {eta}"),
    "flood.rate": ("{v} cm/giờ", "{v} cm/h"),
    "flood.steady": ("Ổn định", "Steady"),
    "flood.rain": ("Mưa {h} mm/giờ · {d} mm/24 giờ", "Rain {h} mm/h · {d} mm/24 h"),
    "flood.risk": ("Cấp độ rủi ro thiên tai: {label}", "Disaster risk level: {label}"),
    "flood.risk.none": ("Chưa công bố cấp độ rủi ro thiên tai", "No disaster risk level announced"),
    "map.legend.air": ("Không khí (màu VN_AQI)", "Air (VN_AQI colour)"),
    "map.legend.flood": ("Điểm đo mực nước (màu mức báo động)", "Flood point (alarm colour)"),
    "map.legend.camera": ("Camera", "Camera"),
    "map.legend.offline": ("Mất tín hiệu", "Offline"),
    "map.legend.centre": ("Trụ sở UBND xã", "Commune office"),
    # sensors list and detail
    "nav.sensors": ("Thiết bị", "Devices"),
    "sensors.title": ("Thiết bị quan trắc", "Monitoring devices"),
    "sensors.col.name": ("Thiết bị", "Device"),
    "sensors.col.kind": ("Loại", "Kind"),
    "sensors.col.state": ("Trạng thái", "State"),
    "sensors.col.reading": ("Số đo gần nhất", "Latest reading"),
    "sensors.col.seen": ("Nhận lúc", "Received"),
    "sensors.col.battery": ("Pin", "Battery"),
    "sensors.col.status": ("Mức hiện tại", "Current level"),
    "kind.air": ("Không khí", "Air quality"),
    "kind.flood": ("Mực nước", "Water level"),
    "sensor.status": ("Hiện tại: {text}", "Now: {text}"),
    "sensor.lines": ("Các vạch: {lines}", "Lines: {lines}"),
    "sensor.back": ("← Danh sách thiết bị", "← All devices"),
    # risk level form
    "risk.title": ("Cấp độ rủi ro thiên tai (QĐ 18/2021/QĐ-TTg)", "Disaster risk level (Decision 18/2021)"),
    "risk.level": ("Cấp độ", "Level"),
    "risk.clear": ("Không công bố", "None announced"),
    "risk.note": ("Ghi chú (nguồn bản tin)", "Note (bulletin source)"),
    "risk.save": ("Công bố", "Announce"),
    "risk.saved": ("Đã công bố: {label}", "Announced: {label}"),
    "risk.set_by": ("Công bố bởi {who} lúc {when}", "Announced by {who} at {when}"),
    # admin
    "admin.devices": ("Thiết bị và camera", "Devices and cameras"),
    "admin.webhooks": ("Gửi thông báo thất bại", "Failed notifications"),
    "admin.disk": ("Dung lượng đĩa", "Disk use"),
    "admin.config": ("Kiểm tra cấu hình đang chạy", "Check of the running configuration"),
    "admin.config.ok": ("Cấu hình hợp lệ: {path}", "The configuration is valid: {path}"),
    "admin.audit": ("Nhật ký thao tác", "Audit log"),
    "admin.col.when": ("Thời điểm", "Time"),
    "admin.col.who": ("Người thực hiện", "By"),
    "admin.col.action": ("Thao tác", "Action"),
    "admin.col.target": ("Đối tượng", "Target"),
    "admin.col.fps": ("Khung hình/giây", "Frames/s"),
    "admin.col.dropped": ("Khung hình bỏ", "Dropped frames"),
    "admin.col.battery": ("Pin", "Battery"),
    "admin.col.state": ("Trạng thái", "State"),
    "admin.col.size": ("Dung lượng", "Size"),
    "admin.col.files": ("Số tệp", "Files"),
    "admin.col.path": ("Thư mục", "Folder"),
    "admin.col.channel": ("Kênh", "Channel"),
    "admin.col.error": ("Lỗi", "Error"),
    "admin.col.source": ("Nguồn tài khoản", "Defined in"),
    "admin.col.active": ("Đang dùng", "Active"),
    "admin.part.mqtt": ("Máy chủ MQTT", "MQTT broker"),
    "admin.part.store": ("Kho dữ liệu ({backend})", "Store ({backend})"),
    "admin.part.cameras": ("Camera trực tuyến", "Cameras online"),
    "admin.detail.mqtt": ("{messages} bản tin · {rejected} bị từ chối · gần nhất {last}",
                          "{messages} messages · {rejected} refused · last {last}"),
    "admin.detail.store": ("{spooled} lô chờ ghi", "{spooled} batches spooled"),
    "admin.disk.data": ("Dữ liệu", "Data"),
    "admin.disk.spool": ("Hàng đợi ghi (spool)", "Spool"),
    "admin.disk.snapshots": ("Ảnh chụp camera", "Camera snapshots"),
    "users.add": ("Thêm người dùng", "Add user"),
    "users.password": ("Mật khẩu (ít nhất 8 ký tự)", "Password (8 characters or more)"),
    "users.save": ("Lưu", "Save"),
    "users.disable": ("Khóa", "Disable"),
    "users.enable": ("Mở khóa", "Enable"),
    "users.reset": ("Đặt lại mật khẩu", "Reset password"),
    "users.role": ("Đổi vai trò", "Change role"),
    "users.from_yaml": ("Tệp cấu hình", "Configuration file"),
    "users.from_db": ("Trang quản trị", "Admin page"),
    "users.yaml_fixed": ("Người dùng trong tệp cấu hình chỉ sửa được trong tệp đó",
                         "Users of the configuration file are changed in that file"),
    "users.done": ("Đã lưu thay đổi người dùng {name}", "Saved the changes to user {name}"),
    "notfound.text": ("Địa chỉ {path} không có trên hệ thống. Chọn một trang trong menu ở trên.",
                      "There is no page at {path}. Pick a page from the menu above."),
}


def t(key: str, lang: str = "vi", **values: object) -> str:
    """The label for `key` in `lang`, with `{name}` placeholders filled; the key itself when it is missing."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**values) if values else text


def age_text(seconds: float | None, lang: str = "vi") -> str:
    """A short human age: 45 giây, 12 phút, 3 giờ, 2 ngày."""
    if seconds is None:
        return "—"
    units = (("ngày", "d", 86400), ("giờ", "h", 3600), ("phút", "min", 60))
    for vi, en, size in units:
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {vi}" if lang == "vi" else f"{n} {en}"
    n = max(0, int(seconds))
    return f"{n} giây" if lang == "vi" else f"{n} s"


LANG_COOKIE = "coc_lang"
LANG_COOKIE_MAX_AGE_S = 365 * 24 * 3600


def current_lang(default: str = "vi") -> Lang:
    """The language this browser chose (the `coc_lang` cookie of the switch), else the configured default.

    The choice lives in its own cookie, not in the session: every response re-sends the session cookie, so a
    page refresh that was in flight when the switch was clicked could put the old session (and language) back.
    """
    from flask import has_request_context, request

    lang = request.cookies.get(LANG_COOKIE) if has_request_context() else None
    return lang if lang in LANGS else ("en" if default == "en" else "vi")
