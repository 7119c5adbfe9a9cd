"""The roster (花名册) format: columns, header aliases, cell words, export rows. Pure.

A roster is the spreadsheet a property company keeps: one row per (unit, person), with
a header row. Columns (Chinese header first, then accepted aliases; case, spaces and a
trailing unit in brackets such as 面积(㎡) are ignored; unknown columns are ignored):

| column | aliases | value | default |
|---|---|---|---|
| 楼栋 | 楼号 幢 栋 building | building code, the first part of the unit number | from 房号 |
| 房号 * | 房屋 户号 unit number | 1-2-301 (building-staircase-room) | required |
| 面积 * | 建筑面积 产权面积 area | m², at most two decimals | required |
| 面积来源 | area source | 不动产登记 测绘 合同 | 不动产登记 |
| 用途 | use | 住宅 商业 其他 | 住宅 |
| 交付状态 | sale state | 已交付 已售未交付 开发商未售 | 已交付 |
| 姓名 * | 业主姓名 name | the person; empty for a unit with nobody listed | |
| 电话 | 手机 联系电话 phone | 11-digit mobile number | |
| 身份 | role | 业主 业主自住 家庭成员 租户 | 业主 |
| 产权份额 | 份额 share | whole percent, 1–100 | 100, split equally among co-owners |
| 表决代表 | voter | 是 / 否 | the first owner of the unit |
| 车牌 | plates | several separated by 、 , ； / | |
| 备注 | note remark | the row's person's remark, or its unit's if it names nobody | |

(* the header must be present.) Remarks are for staff and never shown publicly. Line
numbers are the ones the user sees: the header row is line 1 when it is the first row.
Every problem found in a row has `where="row N"` and the args `row` and `column` (the
header as written in the file).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sunshine.kernel.cells import restored
from sunshine.kernel.errors import Problem
from sunshine.kernel.errors import Translate
from sunshine.registry.rules import AreaSource
from sunshine.registry.rules import SaleState
from sunshine.registry.rules import UnitUse


def N_(message: str) -> str:  # noqa: N802 - the gettext marker the catalog extractor knows
    """Mark `message` for translation; the edge translates it."""
    return message


class Role(StrEnum):
    OWNER = "owner"  # 业主
    OWNER_OCCUPIER = "owner_occupier"  # 业主自住: owns and lives there
    FAMILY = "family"  # 家庭成员
    TENANT = "tenant"  # 租户


OWNING = frozenset({Role.OWNER, Role.OWNER_OCCUPIER})
LIVING = frozenset({Role.OWNER_OCCUPIER, Role.FAMILY, Role.TENANT})

# Canonical column keys in export order, with the header written on export.
HEADERS: dict[str, str] = {
    "building": "楼栋",
    "unit": "房号",
    "area": "面积",
    "area_source": "面积来源",
    "use": "用途",
    "sale_state": "交付状态",
    "name": "姓名",
    "phone": "电话",
    "role": "身份",
    "share": "产权份额",
    "voter": "表决代表",
    "plates": "车牌",
    "note": "备注",
}
REQUIRED = ("unit", "area", "name")
_ALIASES: dict[str, tuple[str, ...]] = {
    "building": ("楼号", "幢", "栋", "幢号", "楼幢", "building", "buildingcode"),
    "unit": ("房屋", "房间号", "门牌号", "户号", "unit", "unitnumber", "number", "room"),
    "area": ("建筑面积", "产权面积", "area"),
    "area_source": ("area_source", "areasource", "source"),
    "use": ("房屋用途", "use"),
    "sale_state": ("销售状态", "sale_state", "salestate", "state"),
    "name": ("业主姓名", "名称", "name"),
    "phone": ("手机", "手机号", "联系电话", "phone", "mobile"),
    "role": ("类别", "role"),
    "share": ("份额", "share"),
    "voter": ("投票代表", "voter"),
    "plates": ("车牌号", "plates", "plate"),
    "note": ("notes", "note", "remark", "remarks"),
}
_HEADER_KEYS = {alias: key for key, names in _ALIASES.items() for alias in names} | {
    text: key for key, text in HEADERS.items()
}

# Labels written on export come first; the rest are accepted on import.
AREA_SOURCES = {
    AreaSource.REGISTRY: ("不动产登记", "不动产登记簿", "登记", "产权证", "registry"),
    AreaSource.SURVEY: ("测绘", "实测", "survey"),
    AreaSource.CONTRACT: ("合同", "contract"),
}
USES = {
    UnitUse.RESIDENTIAL: ("住宅", "residential"),
    UnitUse.COMMERCIAL: ("商业", "商铺", "商用", "commercial"),
    UnitUse.OTHER: ("其他", "other"),
}
SALE_STATES = {
    SaleState.DELIVERED: ("已交付", "交付", "delivered"),
    SaleState.SOLD_UNDELIVERED: ("已售未交付", "sold_undelivered"),
    SaleState.DEVELOPER_HELD: ("开发商未售", "未售", "developer_held"),
}
ROLES = {
    Role.OWNER: ("业主", "产权人", "owner"),
    Role.OWNER_OCCUPIER: ("业主自住", "owner_occupier"),
    Role.FAMILY: ("家庭成员", "家属", "family"),
    Role.TENANT: ("租户", "承租人", "tenant"),
}
YES = ("是", "y", "yes", "true", "1", "√", "✓")
NO = ("否", "n", "no", "false", "0")
_BRACKETED = re.compile(r"\(.*\)$")


def label(value: StrEnum) -> str:
    """The Chinese word written on export for an enum value."""
    for table in (AREA_SOURCES, USES, SALE_STATES, ROLES):
        if value in table:
            return table[value][0]  # type: ignore[index]
    raise KeyError(value)


def header_key(text: str) -> str | None:
    """The column key for a header as typed: '面积(㎡)' → 'area', 'Unit Number' → 'unit'."""
    folded = "".join(unicodedata.normalize("NFKC", text).lower().split())
    return _HEADER_KEYS.get(_BRACKETED.sub("", folded) or folded)


def clean_cell(text: str) -> str:
    """Trim a cell; drop the quote an export puts before =, +, - and @ (formula guard)."""
    return restored(text.strip())


# --- the same format back ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportLine:
    """One person's place in one unit, as the export writes it."""

    building: str
    unit: str
    area: Decimal
    area_source: AreaSource
    use: UnitUse
    sale_state: SaleState
    name: str = ""
    phone: str = ""
    role: Role | None = None
    share: int | None = None
    voter: bool | None = None
    plates: tuple[str, ...] = ()
    note: str = ""


def export_cells(line: ExportLine) -> list[str]:
    """The cells of one exported row, in `HEADERS` order."""
    return [
        line.building,
        line.unit,
        f"{line.area:.2f}",
        label(line.area_source),
        label(line.use),
        label(line.sale_state),
        line.name,
        line.phone,
        label(line.role) if line.role else "",
        "" if line.share is None else str(line.share),
        "" if line.voter is None else ("是" if line.voter else "否"),
        "、".join(line.plates),
        line.note,
    ]


def describe(problem: Problem, translate: Translate) -> str:
    """One line for a person: '第3行（面积）：…' in Chinese, 'row 3, 面积: …' in English."""
    message = problem.text(translate)
    if "row" not in problem.args:
        return message
    template = translate(N_("row {row}, {column}: {message}"))
    return template.format(row=problem.args["row"], column=problem.args["column"], message=message)
