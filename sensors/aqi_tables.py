"""The AQI data rows: VN_AQI (1459/QĐ-TCMT) and US EPA AQI (2024) breakpoints, bands and health advice."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Standard(StrEnum):
    """Which index scale: Vietnam's VN_AQI or the US EPA AQI."""

    VN = "vn"
    US = "us"


class Pollutant(StrEnum):
    """Parameters of the indices; O3 has a 1-hour and an 8-hour column."""

    PM25 = "pm25"
    PM10 = "pm10"
    O3_1H = "o3_1h"
    O3_8H = "o3_8h"
    CO = "co"
    SO2 = "so2"
    NO2 = "no2"


NOWCAST_POLLUTANTS = (Pollutant.PM25, Pollutant.PM10)
GAS_POLLUTANTS = (Pollutant.O3_1H, Pollutant.CO, Pollutant.SO2, Pollutant.NO2)


@dataclass(frozen=True, slots=True)
class Segment:
    """One straight piece of a sub-index curve: concentrations c_lo..c_hi map linearly onto i_lo..i_hi."""

    c_lo: float
    c_hi: float
    i_lo: int
    i_hi: int


def continuous(column: tuple[float, ...], indices: tuple[int, ...]) -> tuple[Segment, ...]:
    """Segments of a 1459-style column: row i runs to row i+1 with no gaps (BP_i, I_i) → (BP_i+1, I_i+1)."""
    return tuple(
        Segment(column[k], column[k + 1], indices[k], indices[k + 1]) for k in range(len(column) - 1)
    )


VN_INDICES = (0, 50, 100, 150, 200, 300, 400, 500)

# Bảng 2 of 1459/QĐ-TCMT, every column in µg/m³ (CO too).
VN_COLUMNS: dict[Pollutant, tuple[float, ...]] = {
    Pollutant.O3_1H: (0, 160, 200, 300, 400, 800, 1000, 1200),
    Pollutant.O3_8H: (0, 100, 120, 170, 210, 400),
    Pollutant.CO: (0, 10000, 30000, 45000, 60000, 90000, 120000, 150000),
    Pollutant.SO2: (0, 125, 350, 550, 800, 1600, 2100, 2630),
    Pollutant.NO2: (0, 100, 200, 700, 1200, 2350, 3100, 3850),
    Pollutant.PM10: (0, 50, 150, 250, 350, 420, 500, 600),
    Pollutant.PM25: (0, 25, 50, 80, 150, 250, 350, 500),
}

VN_SEGMENTS: dict[Pollutant, tuple[Segment, ...]] = {
    p: continuous(col, VN_INDICES[: len(col)]) for p, col in VN_COLUMNS.items()
}

# US EPA AQI, 2024 revision (PM2.5 truncated to 0.1 µg/m³, PM10 to 1 µg/m³ before the lookup).
US_SEGMENTS: dict[Pollutant, tuple[Segment, ...]] = {
    Pollutant.PM25: (
        Segment(0.0, 9.0, 0, 50),
        Segment(9.1, 35.4, 51, 100),
        Segment(35.5, 55.4, 101, 150),
        Segment(55.5, 125.4, 151, 200),
        Segment(125.5, 225.4, 201, 300),
        Segment(225.5, 325.4, 301, 500),
    ),
    Pollutant.PM10: (
        Segment(0, 54, 0, 50),
        Segment(55, 154, 51, 100),
        Segment(155, 254, 101, 150),
        Segment(255, 354, 151, 200),
        Segment(355, 424, 201, 300),
        Segment(425, 604, 301, 500),
    ),
}

# Decimal places a concentration is truncated to before a US lookup (None: not truncated).
US_TRUNCATE_DIGITS: dict[Pollutant, int] = {Pollutant.PM25: 1, Pollutant.PM10: 0}

SEGMENTS: dict[Standard, dict[Pollutant, tuple[Segment, ...]]] = {
    Standard.VN: VN_SEGMENTS,
    Standard.US: US_SEGMENTS,
}

INDEX_CAP = 500


@dataclass(frozen=True, slots=True)
class Category:
    """One band of the index: its range, names, colour and the 1459 health messages (Bảng 4, Bảng 5)."""

    key: str
    low: int
    high: int
    label_vi: str
    label_en: str
    label_us_en: str
    colour: str
    effect_vi: str
    advice_public_vi: str
    advice_sensitive_vi: str


CATEGORIES: tuple[Category, ...] = (
    Category(
        "good", 0, 50, "Tốt", "Good", "Good", "#00E400",
        "Chất lượng không khí tốt, không ảnh hưởng tới sức khỏe.",
        "Tự do thực hiện các hoạt động ngoài trời.",
        "Tự do thực hiện các hoạt động ngoài trời.",
    ),
    Category(
        "moderate", 51, 100, "Trung bình", "Moderate", "Moderate", "#FFFF00",
        "Chất lượng không khí ở mức chấp nhận được; người nhạy cảm (người già, trẻ em, người mắc bệnh "
        "hô hấp, tim mạch) có thể chịu ảnh hưởng nhất định.",
        "Tự do thực hiện các hoạt động ngoài trời.",
        "Theo dõi các triệu chứng như ho hoặc khó thở, nhưng vẫn có thể hoạt động ở bên ngoài.",
    ),
    Category(
        "poor", 101, 150, "Kém", "Poor", "Unhealthy for Sensitive Groups", "#FF7E00",
        "Người nhạy cảm gặp vấn đề về sức khỏe; người bình thường ít bị ảnh hưởng.",
        "Những người thấy có triệu chứng đau mắt, ho hoặc đau họng nên cân nhắc giảm hoạt động ngoài trời. "
        "Học sinh vẫn có thể hoạt động ngoài trời nhưng nên giảm thời gian tập thể dục kéo dài.",
        "Nên giảm các hoạt động mạnh và giảm thời gian hoạt động ngoài trời. "
        "Người mắc bệnh hen suyễn có thể cần sử dụng thuốc thường xuyên hơn.",
    ),
    Category(
        "bad", 151, 200, "Xấu", "Bad", "Unhealthy", "#FF0000",
        "Người bình thường bắt đầu có các ảnh hưởng tới sức khỏe; nhóm người nhạy cảm có thể gặp những "
        "vấn đề sức khỏe nghiêm trọng hơn.",
        "Mọi người nên giảm các hoạt động mạnh khi ở ngoài trời, tránh tập thể dục kéo dài và nghỉ ngơi "
        "nhiều hơn trong nhà.",
        "Nên ở trong nhà và giảm hoạt động mạnh. "
        "Nếu cần thiết phải ra ngoài, hãy đeo khẩu trang đạt tiêu chuẩn.",
    ),
    Category(
        "very_bad", 201, 300, "Rất xấu", "Very bad", "Very Unhealthy", "#8F3F97",
        "Cảnh báo hưởng tới sức khỏe: mọi người bị ảnh hưởng tới sức khỏe nghiêm trọng hơn.",
        "Mọi người hạn chế tối đa các hoạt động ngoài trời và chuyển tất cả các hoạt động vào trong nhà. "
        "Nếu cần thiết phải ra ngoài, hãy đeo khẩu trang đạt tiêu chuẩn.",
        "Nên ở trong nhà và giảm hoạt động mạnh.",
    ),
    Category(
        "hazardous", 301, 500, "Nguy hại", "Hazardous", "Hazardous", "#7E0023",
        "Cảnh báo khẩn cấp về sức khỏe: toàn bộ dân số bị ảnh hưởng tới sức khỏe tới mức nghiêm trọng.",
        "Mọi người nên ở trong nhà, đóng cửa ra vào và cửa sổ. "
        "Nếu cần thiết phải ra ngoài, hãy đeo khẩu trang đạt tiêu chuẩn.",
        "Mọi người nên ở trong nhà, đóng cửa ra vào và cửa sổ. "
        "Nếu cần thiết phải ra ngoài, hãy đeo khẩu trang đạt tiêu chuẩn.",
    ),
)

STANDARD_NAMES: dict[Standard, str] = {Standard.VN: "VN_AQI", Standard.US: "US AQI"}

POLLUTANT_LABELS: dict[Pollutant, tuple[str, str]] = {
    Pollutant.PM25: ("Bụi PM2.5", "PM2.5"),
    Pollutant.PM10: ("Bụi PM10", "PM10"),
    Pollutant.O3_1H: ("O₃ (1 giờ)", "O₃ (1 h)"),
    Pollutant.O3_8H: ("O₃ (8 giờ)", "O₃ (8 h)"),
    Pollutant.CO: ("CO", "CO"),
    Pollutant.SO2: ("SO₂", "SO₂"),
    Pollutant.NO2: ("NO₂", "NO₂"),
}
