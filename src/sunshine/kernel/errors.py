"""Errors that cross layers.

Services raise these; only the edges (entrypoints/web.py, entrypoints/cli.py and
the page helpers) turn them into HTTP responses or exit codes. Nothing below the
edges knows about status codes.

Messages are English templates with `{named}` fields; the edge translates the
template into the user's language (zh-CN first) and then fills in the fields, so
one error reads right in Chinese and in English. Keep fields as plain data.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import timedelta
from types import MappingProxyType

Translate = Callable[[str], str]


def _same(text: str) -> str:
    return text


def _fill(template: str, args: Mapping[str, object]) -> str:
    try:
        return template.format_map(dict(args))
    except (KeyError, IndexError, ValueError):  # a bad translation must not hide the error
        return template


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a request was refused.

    `code` is stable for programs; `message` is an English template for people;
    `where` names the field or row ("plate", "row 12") so a form or an import
    report can point at it.
    """

    code: str
    message: str
    args: Mapping[str, object] = field(default_factory=dict, hash=False)
    where: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "args", MappingProxyType(dict(self.args)))

    def text(self, translate: Translate = _same) -> str:
        """The message in the language `translate` gives, fields filled in."""
        return _fill(translate(self.message), self.args)

    def __reduce__(self) -> tuple[type[Problem], tuple[str, str, dict[str, object], str]]:
        # A read-only mapping does not pickle; an import sends problems between processes.
        return (Problem, (self.code, self.message, dict(self.args), self.where))


class SunshineError(Exception):
    """Base class for every error this package raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        problems: Sequence[Problem] = (),
        args: Mapping[str, object] | None = None,
    ) -> None:
        self.template = message
        self.fields: Mapping[str, object] = MappingProxyType(dict(args or {}))
        self.message = _fill(message, self.fields)
        self.problems = tuple(problems)
        super().__init__(self.message)

    def text(self, translate: Translate = _same) -> str:
        """The message in the language `translate` gives, fields filled in."""
        return _fill(translate(self.template), self.fields)


class NotFound(SunshineError):
    """The thing asked for does not exist, or the caller may not see it."""


class Invalid(SunshineError):
    """The request is well-formed but breaks a business rule."""


class Conflict(SunshineError):
    """The request clashes with current state: already exists, key reused, closed."""


class Forbidden(SunshineError):
    """The caller is known but may not do this."""


class Unauthenticated(SunshineError):
    """The caller must log in first."""


class Throttled(SunshineError):
    """Too many tries in too short a time: the caller may try again after `retry_after`.

    The web edge answers 429 with a Retry-After header; the message says when, for people.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: timedelta,
        problems: Sequence[Problem] = (),
        args: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message, problems=problems, args=args)
        self.retry_after = retry_after

    @property
    def retry_after_seconds(self) -> int:
        """Whole seconds to wait, rounded up, never less than one."""
        microseconds = self.retry_after // timedelta(microseconds=1)
        return max(1, -(-microseconds // 1_000_000))


class Busy(SunshineError):
    """The system could not take the request just now; the same request may succeed shortly."""
