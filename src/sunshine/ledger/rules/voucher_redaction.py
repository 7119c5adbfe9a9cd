"""Boxes drawn over a voucher's personal data, as the browser sends them: pure parsing.

A box is where on one page (0 = the first) a black rectangle goes, as fractions of the
page's width and height, so the same box fits whatever size the page is drawn at: the
browser's picture of it and the server's rendering need not match in pixels.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from sunshine.kernel.errors import Invalid

MAX_BOXES = 500
MAX_PAGES = 1000  # a page number beyond any voucher's; the service checks the real count


@dataclass(frozen=True)
class Box:
    """A rectangle on page `page`: its left, top, width and height as fractions of the page."""

    page: int
    x: float
    y: float
    w: float
    h: float

    def pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        """The box on a page of `width` × `height` pixels, rounded outwards (never smaller)."""
        left = math.floor(self.x * width)
        top = math.floor(self.y * height)
        right = math.ceil((self.x + self.w) * width)
        bottom = math.ceil((self.y + self.h) * height)
        return max(left, 0), max(top, 0), min(right, width), min(bottom, height)


def _fraction(item: dict[str, object], key: str) -> float:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid("each box needs {key} as a number", args={"key": key})
    return min(max(float(value), 0.0), 1.0)


def _box(item: object) -> Box:
    if not isinstance(item, dict):
        raise Invalid("each box must be an object with page, x, y, w and h")
    page = item.get("page")
    if isinstance(page, bool) or not isinstance(page, int) or not 0 <= page < MAX_PAGES:
        raise Invalid("a box names a page the voucher does not have")
    x, y = _fraction(item, "x"), _fraction(item, "y")
    w = min(_fraction(item, "w"), 1.0 - x)
    h = min(_fraction(item, "h"), 1.0 - y)
    if w <= 0 or h <= 0:
        raise Invalid("a box has no area")
    return Box(page=page, x=x, y=y, w=w, h=h)


def parse_boxes(text: str) -> list[Box]:
    """The boxes in the JSON list `text`; Invalid if none, too many, or any is malformed."""
    try:
        items = json.loads(text)
    except ValueError:
        raise Invalid("the boxes could not be read: draw them again") from None
    if not isinstance(items, list) or not items:
        raise Invalid("draw at least one box over the personal data")
    if len(items) > MAX_BOXES:
        raise Invalid("at most {limit} boxes", args={"limit": MAX_BOXES})
    return [_box(item) for item in items]
