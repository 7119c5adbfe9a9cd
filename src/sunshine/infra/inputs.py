r"""What the web edge accepts: bounded numbers and dates, and text that can be stored.

Two halves. The types (`RowId`, `Ordinal`, `Day`, ...) are for route parameters and
request schemas: the OpenAPI document then states the bounds, and FastAPI's own 422
refuses a value outside them. The check (`refuse_unstorable_input`) runs before every
route, whatever its types: a JSON body may hold no number beyond the database's BIGINT,
no NaN or infinity (`1e999999` reads as infinity), and no text that cannot be stored
(a NUL character, which PostgreSQL refuses, or an unpaired UTF-16 surrogate such as
"\\ud800" in JSON, which no UTF-8 text can hold); path, query and form values no NUL.

The app factory installs the check for every route (entrypoints/web.py), so a new
route is covered without doing anything.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Iterator
from datetime import date
from typing import Annotated
from typing import Any

from annotated_types import Ge
from annotated_types import Le
from fastapi import Request
from pydantic import AfterValidator
from starlette.datastructures import UploadFile

from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.periods import EARLIEST_DAY
from sunshine.kernel.periods import LATEST_DAY
from sunshine.kernel.periods import in_calendar

BIGINT_MAX = 2**63 - 1  # the database's BIGINT: no number in a request may be larger
# Ids, positions and sizes: at most the largest integer a browser's JSON reader holds
# exactly, far inside BIGINT (and exact as the float the OpenAPI document writes it as).
ID_MAX = 2**53 - 1
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL, or a surrogate left unpaired
_JSON_TYPES = ("application/json", "application/merge-patch+json")


def _day_in_calendar(day: date) -> date:
    if not in_calendar(day):
        message = f"the date must lie between {EARLIEST_DAY} and {LATEST_DAY}"
        raise ValueError(message)
    return day


RowId = Annotated[int, Ge(1), Le(ID_MAX)]  # a row's id or an entry's number
Ordinal = Annotated[int, Ge(0), Le(ID_MAX)]  # a position or a size, from 0
Day = Annotated[date, AfterValidator(_day_in_calendar)]


class _Refused(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def _int(text: str) -> int:
    value = int(text)  # Python itself refuses more than 4,300 digits (ValueError)
    if abs(value) > BIGINT_MAX:
        raise _Refused(
            Problem(
                "number_out_of_range",
                "{number} is beyond the largest number accepted ({limit})",
                {"number": text[:24] + ("…" if len(text) > 24 else ""), "limit": BIGINT_MAX},
            )
        )
    return value


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        _constant(text)
    return value


def _constant(text: str) -> float:
    raise _Refused(
        Problem(
            "number_out_of_range",
            "{number} is not a finite number",
            {"number": text[:24] + ("…" if len(text) > 24 else "")},
        )
    )


def text_problem(text: str, where: str) -> Problem | None:
    """A problem if `text` holds a NUL character or an unpaired surrogate, else None."""
    if _UNSTORABLE.search(text) is None:
        return None
    return Problem(
        "unstorable_text",
        "the text holds a NUL character or an unpaired surrogate, which cannot be stored",
        where=where,
    )


def _strings(value: Any) -> Iterator[tuple[str, str]]:
    """Every string in a parsed JSON value (keys too), with where it is: `postings[0].memo`."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield item, where or "body"
        elif isinstance(item, dict):
            for key, child in item.items():
                yield key, where or "body"
                stack.append((child, f"{where}.{key}" if where else key))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))


def json_problems(body: bytes) -> list[Problem]:
    """What makes a JSON body unstorable; [] for a fine one or one that is not JSON at all.

    JSON that does not parse is FastAPI's to refuse (its 422 names the position).
    """
    try:
        value = json.loads(body, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except _Refused as refused:
        return [refused.problem]
    except (ValueError, RecursionError):
        return []
    found = (text_problem(text, where) for text, where in _strings(value))
    return [problem for problem in found if problem is not None][:20]


async def _form_problems(request: Request) -> list[Problem]:
    if not request.headers.get("content-type", "").lower().startswith("multipart/"):
        # A small form's bytes are kept too, for routes that verify a signature over them
        # (Alipay's notifications); form() then parses the kept bytes. Uploads stream. A
        # form read already (by the CSRF check) was parsed from the stream, now consumed.
        with contextlib.suppress(RuntimeError):
            await request.body()
    form = await request.form()  # parsed once per request and kept: the route reads it again
    found = (
        text_problem(f"{name}{value}", name)
        for name, value in form.multi_items()
        if not isinstance(value, UploadFile)
    )
    return [problem for problem in found if problem is not None]


async def refuse_unstorable_input(request: Request) -> None:
    """Refuse (Invalid, 422) a request whose path, query or body holds unstorable values."""
    problems = [
        problem
        for where, text in (
            *((name, str(value)) for name, value in request.path_params.items()),
            *((name, f"{name}{value}") for name, value in request.query_params.multi_items()),
        )
        if (problem := text_problem(text, where)) is not None
    ]
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in _JSON_TYPES:
        problems.extend(json_problems(await request.body()))
    elif kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        problems.extend(await _form_problems(request))
    if problems:
        raise Invalid("the request holds values that cannot be accepted", problems=problems)
