"""Art. 278's matters and their thresholds, compared exactly (LAW.md 1).

A threshold is a fraction of a base with a boundary rule: "以上" includes the boundary
(Civil Code art. 1259), "过半数" does not. `Threshold.met` cross-multiplies integers or
`Fraction`s (an area is an exact decimal, turned into a `Fraction` without rounding), so
exactly 2/3 of 1 m² split three ways is exactly 2/3 and never 0.6666…

The older thresholds of 物业管理条例 art. 12 and 指导规则 art. 22 are superseded and appear
nowhere here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum
from enum import StrEnum
from fractions import Fraction

ART_278 = "民法典第二百七十八条第二款 (Civil Code art. 278 para. 2)"
ART_1259 = "民法典第一千二百五十九条 (art. 1259: 以上 includes the boundary)"

Amount = int | Decimal | Fraction


class Item(IntEnum):
    """The matters of art. 278 para. 1, by their item number (stored with every formal vote)."""

    RULES_OF_PROCEDURE = 1  # 制定和修改业主大会议事规则
    MANAGEMENT_COVENANT = 2  # 制定和修改管理规约
    ELECT_COMMITTEE = 3  # 选举业主委员会或者更换业主委员会成员
    HIRE_MANAGER = 4  # 选聘和解聘物业服务企业或者其他管理人
    USE_MAINTENANCE_FUND = 5  # 使用建筑物及其附属设施的维修资金
    RAISE_MAINTENANCE_FUND = 6  # 筹集建筑物及其附属设施的维修资金
    REBUILD = 7  # 改建、重建建筑物及其附属设施
    CHANGE_USE_OF_COMMON_PARTS = 8  # 改变共有部分的用途或者利用共有部分从事经营活动
    OTHER_MAJOR_MATTER = 9  # 有关共有和共同管理权利的其他重大事项 (SPC interpretation art. 7)


class Boundary(StrEnum):
    INCLUSIVE = "inclusive"  # 以上: exactly the fraction passes
    STRICT = "strict"  # 过半数: exactly the fraction fails


@dataclass(frozen=True, slots=True)
class Threshold:
    """`fraction` of a base, with its boundary rule and the text it comes from."""

    rule: str  # a stable name, such as "art278.quorum"
    fraction: Fraction
    boundary: Boundary
    source: str  # the legal text, quoted closely enough to be checked

    def met(self, part: Amount, whole: Amount) -> bool:
        """Whether `part` reaches this fraction of `whole`: exact, never a float."""
        left = Fraction(part) * self.fraction.denominator
        right = Fraction(whole) * self.fraction.numerator
        return left >= right if self.boundary is Boundary.INCLUSIVE else left > right


@dataclass(frozen=True, slots=True)
class MatterThresholds:
    """What a matter of `item` needs: a quorum of all in scope, then approval of the participants.

    Each threshold applies to area and to headcount alike: both must hold.
    """

    item: Item
    quorum: Threshold
    approval: Threshold


QUORUM = Threshold(
    "art278.quorum",
    Fraction(2, 3),
    Boundary.INCLUSIVE,
    f"{ART_278}: 应当由专有部分面积占比三分之二以上的业主且人数占比三分之二以上的业主参与表决",
)
SPECIAL_MAJORITY = Threshold(
    "art278.items6-8",
    Fraction(3, 4),
    Boundary.INCLUSIVE,
    f"{ART_278}: 决定前款第六项至第八项规定的事项，应当经参与表决专有部分面积四分之三以上的业主"
    "且参与表决人数四分之三以上的业主同意",
)
SIMPLE_MAJORITY = Threshold(
    "art278.items1-5,9",
    Fraction(1, 2),
    Boundary.STRICT,
    f"{ART_278}: 决定前款其他事项，应当经参与表决专有部分面积过半数的业主"
    "且参与表决人数过半数的业主同意",
)
_SPECIAL_ITEMS = frozenset(
    {Item.RAISE_MAINTENANCE_FUND, Item.REBUILD, Item.CHANGE_USE_OF_COMMON_PARTS}
)


def thresholds_for(item: Item | int) -> MatterThresholds:
    """The quorum and approval an art. 278 matter of `item` needs (ValueError outside 1–9)."""
    matter = Item(item)
    approval = SPECIAL_MAJORITY if matter in _SPECIAL_ITEMS else SIMPLE_MAJORITY
    return MatterThresholds(matter, QUORUM, approval)
