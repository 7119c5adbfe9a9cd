"""Masked forms of private data for anything shown beyond its owner (LAW.md 3).

name → first character + '**' (张**), phone → 3 + **** + 4 (138****5678),
ID number → first 4 + stars + last 4, plate → province + letter + *** + last 2 (苏D***45).
The star count never reveals the length of what it hides, except for ID numbers,
whose length is fixed by law.
"""

from __future__ import annotations

import re
import unicodedata

_DIGITS = re.compile(r"\D")
# A mobile number or a resident ID number, once written plainly (see `looks_personal`).
_PERSONAL = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|\d{17}[\dXx])(?!\d)")
_BETWEEN_DIGITS = re.compile(r"(?<=\d)[\s\-.·]+(?=\d)")
_COUNTRY_CODE = re.compile(r"(?:\+|(?<!\d)00)\s*86[\s\-]*")


def looks_personal(text: str) -> bool:
    """Whether free text holds what looks like a mobile or resident ID number (LAW.md 3).

    Text that reaches the append-only log or a public page must not: it can never be
    erased. Full-width digits, spaces, hyphens and dots between digits, and a +86 or 0086
    prefix are undone first, so "１３８ 1234-5678" and "+8613812345678" are caught too.
    """
    plain = unicodedata.normalize("NFKC", text)
    plain = _COUNTRY_CODE.sub("", plain)
    plain = _BETWEEN_DIGITS.sub("", plain)
    return _PERSONAL.search(plain) is not None


def mask_name(name: str) -> str:
    """张三丰 → 张**; an organisation's name is shown as is only by callers that know it is one."""
    name = name.strip()
    return f"{name[0]}**" if name else ""


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678. Anything shorter than 7 digits is hidden entirely."""
    digits = _DIGITS.sub("", phone)
    for prefix in ("0086", "86"):  # +86 138… must not show as 861****…
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            digits = digits.removeprefix(prefix)
    if len(digits) < 7:
        return "****" if digits else ""
    return f"{digits[:3]}****{digits[-4:]}"


def mask_id_number(id_number: str) -> str:
    """320402199001011234 → 3204**********1234."""
    text = id_number.strip()
    if len(text) <= 8:
        return "*" * len(text)
    return f"{text[:4]}{'*' * (len(text) - 8)}{text[-4:]}"


def mask_plate(plate: str) -> str:
    """苏D12345 → 苏D***45; 苏DF12345 (new energy) → 苏D***45."""
    text = plate.strip()
    if len(text) < 4:
        return "***"
    return f"{text[:2]}***{text[-2:]}"
