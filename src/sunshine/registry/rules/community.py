"""Registry values and rules: pure, so they can be checked exhaustively.

Areas follow the SPC interpretation on compartmentalised ownership (2020) art. 8:
the registered area counts; if none, the surveyed area; if none, the contract area.
Every area records which source it came from.
"""

from __future__ import annotations

import re
from decimal import Decimal
from decimal import InvalidOperation
from enum import StrEnum

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from sunshine.kernel.errors import Problem
from sunshine.kernel.masking import mask_id_number


class CommitteeKind(StrEnum):
    OWNERS_COMMITTEE = "owners_committee"  # 业主委员会
    PROPERTY_COMMITTEE = "property_committee"  # 物业管理委员会 (物管会), where no 业委会 exists


class UnitUse(StrEnum):
    RESIDENTIAL = "residential"  # 住宅
    COMMERCIAL = "commercial"  # 商业
    OTHER = "other"  # 其他


class AreaSource(StrEnum):
    REGISTRY = "registry"  # 不动产登记簿
    SURVEY = "survey"  # 测绘
    CONTRACT = "contract"  # 合同


class SaleState(StrEnum):
    DEVELOPER_HELD = "developer_held"  # 开发商未售
    SOLD_UNDELIVERED = "sold_undelivered"  # 已售未交付
    DELIVERED = "delivered"  # 已交付


class PartyKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class ResidentKind(StrEnum):
    OWNER_OCCUPIER = "owner_occupier"  # 业主自住
    FAMILY = "family"  # 家庭成员
    TENANT = "tenant"  # 租户


class TransferReason(StrEnum):
    """Why a unit's owners changed (过户原因)."""

    SALE = "sale"  # 买卖
    INHERITANCE = "inheritance"  # 继承
    GIFT = "gift"  # 赠与
    CO_OWNER_CHANGE = "co_owner_change"  # 共有人变更


class SpaceKind(StrEnum):
    RESIDENT = "resident"  # 业主租用车位
    VISITOR = "visitor"  # 临时 / 访客车位


AREA_SOURCE_ORDER = (AreaSource.REGISTRY, AreaSource.SURVEY, AreaSource.CONTRACT)

_UNIT_NUMBER = re.compile(r"\d{1,3}-\d{1,2}-\d{3,4}")
_PHONE = re.compile(r"1[3-9]\d{9}")
_MAX_AREA = Decimal(100000)
_CENTS = Decimal("0.01")


def counted_area(
    registry: Decimal | None, survey: Decimal | None, contract: Decimal | None
) -> tuple[Decimal, AreaSource] | None:
    """The area that counts, and its source: registry, else survey, else contract."""
    for value, source in zip((registry, survey, contract), AREA_SOURCE_ORDER, strict=True):
        if value is not None:
            return value, source
    return None


def area_problems(value: Decimal, *, where: str = "area", shown: str = "") -> list[Problem]:
    """Why `value` cannot be a unit's area (none: it can). The one area rule of the registry.

    An area is a finite number of m² above 0 and below 100000, with at most two decimals
    (the database keeps whole hundredths). Typed text (`parse_area`), roster rows and the
    services that add or correct a unit all ask this; `shown` is the value as typed.
    """
    args = {"value": shown or str(value)}
    if not value.is_finite() or not 0 < value < _MAX_AREA:
        return [
            Problem(
                "area_range", "the area {value} must be above 0 and below 100000 m²", args, where
            )
        ]
    if value != value.quantize(_CENTS):
        return [
            Problem("area_decimals", "the area {value} has more than two decimals", args, where)
        ]
    return []


def parse_area(text: str, *, where: str = "area") -> tuple[Decimal | None, list[Problem]]:
    """Read an area in m² with at most two decimals, such as '85.37' (see `area_problems`)."""
    raw = text.strip().removesuffix("㎡").removesuffix("m²").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None, [
            Problem("area_not_number", "the area {value} is not a number", {"value": text}, where)
        ]
    problems = area_problems(value, where=where, shown=text)
    return (None, problems) if problems else (value.quantize(_CENTS), [])


def unit_number_problems(number: str, *, building_code: str | None = None) -> list[Problem]:
    """A unit number reads building-staircase-room, such as 3-2-301; it must match its building."""
    if not _UNIT_NUMBER.fullmatch(number):
        return [
            Problem(
                "unit_number",
                "the unit number {number} must read like 3-2-301 (building-staircase-room)",
                {"number": number},
                "number",
            )
        ]
    if building_code is not None and number.split("-", maxsplit=1)[0] != building_code:
        return [
            Problem(
                "unit_building",
                "the unit {number} does not belong to building {building}",
                {"number": number, "building": building_code},
                "number",
            )
        ]
    return []


def normalise_phone(text: str) -> str:
    """Drop spaces, dashes and a +86 prefix: '+86 138-1234-5678' → '13812345678'."""
    digits = re.sub(r"[\s\-()]", "", text.strip())
    return digits.removeprefix("+86").removeprefix("0086")


def phone_problems(phone: str, *, where: str = "phone") -> list[Problem]:
    """A mainland mobile number has 11 digits and starts with 13–19."""
    if _PHONE.fullmatch(phone):
        return []
    return [
        Problem(
            "phone",
            "the phone number {phone} is not an 11-digit mobile number",
            {"phone": phone},
            where,
        )
    ]


def floor_of(number: str) -> int:
    """The floor in a unit number: 3-2-301 → 3, 1-1-1202 → 12."""
    room = number.rsplit("-", maxsplit=1)[-1]
    return int(room[:-2])


# Column widths of the registry tables: longer text is refused with a message, never
# left for the database to reject with a server error.
MAX_LENGTH = {
    "code": 8,
    "name": 80,
    "building_name": 40,
    "id_number": 32,
    "note": 120,
}


def length_problems(**fields: str) -> list[Problem]:
    """A problem for each field longer than its column (MAX_LENGTH, by field name)."""
    return [
        Problem(
            "too_long",
            "{field} may have at most {limit} characters",
            {"field": name, "limit": MAX_LENGTH[name]},
            name,
        )
        for name, value in fields.items()
        if len(value.strip()) > MAX_LENGTH[name]
    ]


def id_number_problems(id_number: str, *, where: str = "id_number") -> list[Problem]:
    """A resident ID number (居民身份证号码) must pass its check digit and birth date.

    Checked by python-stdnum's `cn.ric`; an empty number is allowed (not every person
    gives one).
    """
    if not id_number.strip():
        return []
    try:
        ric.validate(id_number)
    except ValidationError:
        return [
            Problem(
                "id_number",
                "{id_number} is not a valid resident ID number",
                {"id_number": mask_id_number(id_number)},
                where,
            )
        ]
    return []


def clean_id_number(id_number: str) -> str:
    """The number as stored: spaces dropped, a final x upper-cased."""
    return ric.compact(id_number) if id_number.strip() else ""
