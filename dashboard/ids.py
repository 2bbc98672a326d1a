"""Every Dash component id, in one place; the text before the first "-" is the id's family in access.py."""

from __future__ import annotations

# shell
URL = "app-url"
PAGE = "app-page"
# wall
WALL_SCREEN = "wall-screen"  # store: the screen id (names a public screen for the guard)
WALL_TICK = "wall-tick"  # interval: refresh
WALL_SNAPSHOT = "wall-snapshot"  # store: one snapshot for the whole screen
WALL_PAGE = "wall-page"  # store: index of the rotating page shown
WALL_ROTATE = "wall-rotate"  # interval: rotation
WALL_VIEWPORT = "wall-viewport"  # store: the window height in CSS px (chart fonts scale with it)
WALL_CLOCK = "wall-clock"
WALL_DATE = "wall-date"
WALL_FRESHNESS = "wall-freshness"
WALL_TAKEOVER = "wall-takeover"
WALL_TAKEOVER_TEXT = "wall-takeover-text"
WALL_ACK = "wallack-button"  # acknowledge a takeover alert (operators and admins only)
WALL_ACK_DONE = "wallack-done"
WALL_TAKEOVER_COUNT = "wall-takeovercount"  # "2 báo động khẩn cấp"
WALL_TAKEOVER_CAMS = "wall-takeovercams"  # snapshots of the cameras at the alarm's flood point
WALL_TAKEOVER_ACTION = "wall-takeoveraction"  # what to do (alerts.rules.<rule>.action_vi)
WALL_MUTE = "wall-mute"  # mute the takeover's sound (until another alarm joins it)
WALL_MUTED = "wall-muted"  # store: the alarm ids the sound was muted for
WALL_SHELVE = "wallack-shelve"  # shelve every takeover alarm for a while, with a reason
WALL_SHELVE_MIN = "wallack-shelvemin"
WALL_SHELVE_REASON = "wallack-shelvereason"
WALL_SHELVE_DONE = "wallack-shelvedone"
WALL_TAKEOVER_NOTICE = "wall-takeovernotice"  # the latest answer to "Tiếp nhận tất cả" / "Tạm ẩn", for 10 s
WALL_PAGES = "wall-pages"
WALL_DEVICES = "wall-devices"  # the device tiles panel
WALL_PANEL = "wall-panel"  # pattern id type: {"type": "wall-panel", "panel": name, "page": n}
WALL_PAGE_BOX = "wall-pagebox"  # pattern id type: {"type": "wall-pagebox", "page": n}
# police view
CAM_FILTER = "cam-filter"
CAM_AREA = "cam-area"
CAM_UNIT = "cam-unit"  # dropdown: the former commune shown on the police desk (?unit=)
CAM_UNIT_URL = "cam-uniturl"
CAM_TICK = "cam-tick"
CAM_GRID = "cam-grid"
CAM_SELECTED = "cam-selected"
CAM_TILE = "cam-tile"  # pattern id type: {"type": "cam-tile", "camera": id}
CAM_LIVE = "cam-live"
CAM_HISTORY = "cam-history"
CAM_ALERTS = "cam-alerts"
CAM_NOTE = "camack-note"  # pattern id type: {"type": "camack-note", "alert": id}
CAM_ACK = "camack-ack"  # pattern id type: {"type": "camack-ack", "alert": id}
CAM_RESOLVE = "camack-resolve"  # pattern id type
CAM_ACK_DONE = "camack-done"
CAM_ACK_ALL = "camack-all"  # "Tiếp nhận tất cả" on the police desk
CAM_ACK_ALL_DONE = "camack-alldone"  # its answer
CAM_OPEN = "cam-open"  # pattern id type: {"type": "cam-open", "camera": id} (an alert's "open its camera")
CAM_ALERT_SIG = "cam-alertsig"  # store: what the alert rows show (rebuilt only when it changes)
CAM_ALARM = "cam-alarm"  # holds the newest open camera alert id for the alarm sound (police.js)
CAM_MUTE = "cam-mute"  # the mute button (police.js keeps the choice in localStorage)
CAM_OFFLINE = "cam-offline"  # "cameras offline" summary
CAM_EVENT = "cam-event"  # store: the event shown in the detail panel
CAM_EVENT_ROW = "cam-eventrow"  # pattern id type: {"type": "cam-eventrow", "event": id}
CAM_DETAIL = "cam-detail"  # the event's snapshot, clip and facts
CAM_FALSE = "camack-false"  # pattern id type: {"type": "camack-false", "event": id} (mark a false alarm)
CAM_FALSE_DONE = "camack-falsedone"
CAM_REVIEW_DATES = "cam-reviewdates"  # review page filters
CAM_REVIEW_CAMERA = "cam-reviewcamera"
CAM_REVIEW_AREA = "cam-reviewarea"
CAM_REVIEW_ZONE = "cam-reviewzone"
CAM_REVIEW_TYPE = "cam-reviewtype"
CAM_REVIEW_FALSE = "cam-reviewfalse"
CAM_REVIEW_LIST = "cam-reviewlist"
# leaders' view
KPI_PERIOD = "kpi-period"
KPI_BODY = "kpi-body"
KPI_EXPORT_CSV = "kpi-export-csv"
KPI_EXPORT_XLSX = "kpi-export-xlsx"
KPI_KIND = "kpi-kind"
KPI_PILLAR = "kpi-pillar-filter"
KPI_UNIT = "kpi-unit-filter"  # dropdown: the whole commune or one former commune's own figures (?unit=)
KPI_UNIT_BODY = "kpi-unit-body"  # a former commune's view, shown in place of the commune's
KPI_BODY_WRAP = "kpi-body-wrap"
KPI_LATEST = "kpi-latest"
KPI_SHOWN = "kpi-shown"  # [period, pillar, unit] the body shows: a selector set to it redraws nothing
KPI_URL = "kpi-url"  # the page's own view of the address: its callbacks read no component of other pages
KPI_SUMMARY = "kpi-summary"
KPI_REPORT_PDF = "kpi-report-pdf"
KPI_REPORT_XLSX = "kpi-report-xlsx"
KPI_REPORT_DOCX = "kpi-report-docx"
KPI_REPORTS = "kpi-reports"
KPI_HAMLETS = "kpi-hamlets"
KPI_PLAN_UPLOAD = "kpi-plan-upload"
KPI_PLAN_KPI = "kpi-plan-kpi"
KPI_PLAN_YEAR = "kpi-plan-year"
KPI_PLAN_VALUE = "kpi-plan-value"
KPI_PLAN_SAVE = "kpi-plan-save"
KPI_PLAN_RESULT = "kpi-plan-result"
KPI_PLAN_APPLY = "kpi-planapply"  # button under a refused plan file: apply its valid lines after all
KPI_PLAN_APPLIED = "kpi-planapplied"  # its answer
# alerts page
ALERTS_STATUS = "alerts-status"
ALERTS_KIND = "alerts-kind"
ALERTS_UNIT = "alerts-unit"  # dropdown: the former commune shown on /alerts (?unit=)
ALERTS_UNIT_URL = "alerts-uniturl"
ALERTS_TICK = "alerts-tick"
ALERTS_TABLE = "alerts-table"
ALERT_NOTE = "alertack-note"  # pattern id type
ALERT_ACK = "alertack-ack"  # pattern id type
ALERT_RESOLVE = "alertack-resolve"  # pattern id type
ALERT_ACK_DONE = "alertack-done"
ALERT_SHELVE = "alertack-shelve"  # pattern id type
ALERTS_SHOWN = "alerts-shown"  # store: which slot shows which row, with what content (rows being edited stay)
ALERTS_SLOT = "alerts-slot"  # pattern id type: {"type": "alerts-slot", "slot": n}, a fixed place for one row
ALERTS_SLOT_BODY = "alerts-slotbody"  # pattern id type: what the row says (redrawn when it changes)
ALERTS_SLOT_CTL = "alerts-slotctl"  # pattern id type: the row's note and buttons (never redrawn while typed in)
ALERTS_SHELVE_MIN = "alerts-shelvemin"  # how long the row's "Tạm ẩn" shelves for
ALERT_SHELVE_DONE = "alertack-shelvedone"
# sensor detail
SENSOR_ID = "sensor-id"
SENSOR_RANGE = "sensor-range"
SENSOR_CHARTS = "sensor-charts"
SENSOR_STATUS = "sensor-status"  # the device's current state above its charts
SENSOR_TICK = "sensor-tick"  # interval: refresh of the device list
SENSOR_LIST = "sensor-list"  # the table of every device
SENSOR_UNIT = "sensor-unit"  # dropdown: the former commune shown on /sensors (?unit=)
SENSOR_UNIT_URL = "sensor-uniturl"  # store: written by the clientside callback that keeps ?unit= in the address
RISK_LEVEL = "sensor-risklevel"  # the announced disaster risk level form (admins, operators)
RISK_NOTE = "sensor-risknote"
RISK_SAVE = "sensor-risksave"
RISK_DONE = "sensor-riskdone"
# admin
ADMIN_TICK = "admin-tick"
ADMIN_BODY = "admin-body"
ADMIN_CONFIG = "admin-config"  # check-config of the running configuration (on demand)
ADMIN_CHECK = "admin-check"  # button
USER_TABLE = "admin-users"  # the users table (refreshed by the tick and after each change)
USER_NEW_NAME = "admin-newname"
USER_NEW_DISPLAY = "admin-newdisplay"
USER_NEW_ROLE = "admin-newrole"
USER_NEW_PASSWORD = "admin-newpassword"
USER_ADD = "admin-useradd"
USER_PICK = "admin-userpick"  # the user the buttons below act on
USER_ROLE = "admin-userrole"
USER_PASSWORD = "admin-userpassword"
USER_DISABLE = "admin-userdisable"
USER_ENABLE = "admin-userenable"
USER_RESET = "admin-userreset"
USER_SETROLE = "admin-usersetrole"
USER_DONE = "admin-userdone"
AUDIT_WHO = "admin-auditwho"  # the room's record (dashboard.audit_log): filters, table, CSV download
AUDIT_KIND = "admin-auditkind"
AUDIT_DATES = "admin-auditdates"
AUDIT_TABLE = "admin-audittable"
AUDIT_CSV = "admin-auditcsv"  # button
AUDIT_DOWNLOAD = "admin-auditdownload"
SESSION_TABLE = "admin-sessiontable"  # open login sessions, each with an "end" button
SESSION_END = "admin-sessionend"  # pattern id type: {"type": "admin-sessionend", "session": id}
SESSION_DONE = "admin-sessiondone"
