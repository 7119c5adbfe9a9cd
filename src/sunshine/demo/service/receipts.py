"""Receipt images for the demo's vouchers: a simple, clearly marked, generated PNG per payment.

The demo books real-looking payments, and every entry needs its voucher (DESIGN.md rule
4), so each gets a small receipt drawn here: who issued it, what for, the amount in
figures and in Chinese capitals (大写), and a footer that says it is a generated demo
voucher, not a real bill. A payroll voucher lists people by name; its public copy is
the same image with the names blacked out, which is what owners see.

The bytes are the same on every load (the vouchers are stored by their SHA-256 and the
log names them): fixed size and layout, no timestamps or other metadata in the PNG. The
demo draws over a hundred of them each time it loads, so they are drawn in greyscale and
written as palette PNGs with one red (the stamp): a few times faster than RGB, and smaller.
Chinese text uses Noto Sans CJK (Simplified Chinese face) where the system has it
(Debian: fonts-noto-cjk); without it Pillow's own font draws what it can.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont

from sunshine.kernel.capitals import capital_amount
from sunshine.kernel.money import Fen

NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
NOTO_CJK_SC = 2  # the Simplified Chinese face in the collection
WIDTH = 900
MARGIN = 40
INK = 20  # grey levels: the receipt is drawn in greyscale, then given its red stamp
GREY = 120
BLACK = 0
RED = (200, 30, 30)
STAMP = 1  # the palette index drawn red: no grey level of the drawing is 1 (INK is the darkest
# anti-aliased text, BLACK only fills the blacked-out names)
PALETTE = [level for grey in range(256) for level in (RED if grey == STAMP else (grey,) * 3)]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True, slots=True)
class PayLine:
    """One person on a payroll voucher."""

    name: str
    post: str
    amount: Fen


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a receipt shows. `pay` lists people (a payroll); their names are personal data."""

    title: str
    issuer: str
    number: str
    day: date
    payer: str
    item: str
    amount: Fen
    pay: tuple[PayLine, ...] = ()


class _RememberingFont(ImageFont.FreeTypeFont):
    """A font that keeps the masks of the texts it has drawn, drawing them again for free.

    Receipts repeat their titles, issuers, payer and footer, and drawing glyphs is most of
    a receipt's time; the mask is only read when it is drawn, so the bytes are the same.
    """

    def __init__(self, path: str, size: int, *, index: int) -> None:
        super().__init__(path, size, index=index)
        self._masks: dict[tuple[Any, ...], tuple[Any, tuple[int, int]]] = {}

    def getmask2(
        self,
        text: str | bytes,
        mode: str = "",
        direction: str | None = None,
        features: list[str] | None = None,
        language: str | None = None,
        stroke_width: float = 0,
        anchor: str | None = None,
        ink: int = 0,
        start: tuple[float, float] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[Any, tuple[int, int]]:
        how = (mode, direction, features, language, stroke_width, anchor, ink, start)
        key = (text, repr(how), args, tuple(sorted(kwargs.items())))
        if key not in self._masks:
            self._masks[key] = super().getmask2(text, *how, *args, **kwargs)
        return self._masks[key]


@cache
def _font(size: int) -> Font:
    if NOTO_CJK.exists():
        return _RememberingFont(str(NOTO_CJK), size, index=NOTO_CJK_SC)
    return ImageFont.load_default(size)


@cache  # the same receipt draws the same bytes; a process that loads the demo twice draws once
def render(receipt: Receipt, *, redact_names: bool = False) -> bytes:
    """The receipt as PNG bytes; with `redact_names`, each person's name is blacked out."""
    rows = len(receipt.pay)
    height = 520 + (rows + 2) * 40 if rows else 480
    image = Image.new("L", (WIDTH, height), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, WIDTH - 13, height - 13), outline=INK, width=2)
    title = _font(34)
    draw.text((WIDTH // 2, 56), receipt.title, font=title, fill=INK, anchor="mm")
    body = _font(24)
    y = 110
    for label, value in (
        ("开具单位", receipt.issuer),
        ("编号", receipt.number),
        ("日期", f"{receipt.day.year}年{receipt.day.month}月{receipt.day.day}日"),
        ("付款单位", receipt.payer),
        ("项目", receipt.item),
    ):
        draw.text((MARGIN, y), f"{label}：{value}", font=body, fill=INK)
        y += 40
    if receipt.pay:
        y = _payroll(draw, receipt.pay, y + 10, redact_names=redact_names)
    draw.line((MARGIN, y + 10, WIDTH - MARGIN, y + 10), fill=INK, width=1)
    draw.text((MARGIN, y + 24), f"金额：¥{receipt.amount}", font=_font(28), fill=INK)
    draw.text((MARGIN, y + 68), f"大写：{capital_amount(receipt.amount)}", font=body, fill=INK)
    draw.text(
        (WIDTH // 2, height - 40),
        "演示凭证 DEMO · 由 Sunshine 示例数据生成，非真实票据",
        font=_font(18),
        fill=GREY,
        anchor="mm",
    )
    paper = _stamped(image, (WIDTH - 150, y + 40))
    out = io.BytesIO()
    paper.save(out, format="PNG", compress_level=3)  # no pnginfo: no time, no software tag
    return out.getvalue()


def _payroll(
    draw: ImageDraw.ImageDraw, pay: tuple[PayLine, ...], y: int, *, redact_names: bool
) -> int:
    body = _font(24)
    columns = (MARGIN, MARGIN + 260, MARGIN + 520)
    for x, header in zip(columns, ("姓名", "岗位", "实发金额"), strict=True):
        draw.text((x, y), header, font=body, fill=GREY)
    y += 40
    for line in pay:
        if redact_names:
            left, top, right, bottom = draw.textbbox((columns[0], y), line.name, font=body)
            draw.rectangle((left - 4, top - 4, right + 4, bottom + 4), fill=BLACK)
        else:
            draw.text((columns[0], y), line.name, font=body, fill=INK)
        draw.text((columns[1], y), line.post, font=body, fill=INK)
        draw.text((columns[2], y), f"¥{line.amount}", font=body, fill=INK)
        y += 40
    return y


def _stamped(image: Image.Image, centre: tuple[int, int]) -> Image.Image:
    """The greyscale drawing as a palette image with a red round 收讫 (paid) stamp.

    Why a palette: a PNG of one byte a pixel is written several times faster than RGB,
    and the demo draws a hundred receipts each time it loads. Grey level n becomes
    palette index n (a grey ramp), except STAMP, which is red.
    """
    paper = image.convert("P")
    paper.putpalette(PALETTE)
    draw = ImageDraw.Draw(paper)
    x, y = centre
    draw.ellipse((x - 60, y - 60, x + 60, y + 60), outline=STAMP, width=4)
    draw.text((x, y), "收讫", font=_font(30), fill=STAMP, anchor="mm")
    return paper
