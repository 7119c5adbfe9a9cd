"""Tables of the monthly notice: its published versions, and each community's calendar.

A published version is append-only (the migration adds the triggers): a correction is a
new version, and both stay. `body` is the notice's canonical record (rules.notice), the
same bytes that were appended to the transparency log at `log_seq` and covered by the
checkpoint of size `checkpoint_size`.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.infra.db import Base
from sunshine.infra.db import PeriodType
from sunshine.infra.db import audited_by
from sunshine.infra.db import not_audited
from sunshine.infra.db import unlogged
from sunshine.kernel.periods import Period


class NoticeVersion(Base):
    """One published version of the notice for periods first..period."""

    __tablename__ = "disclosure_notice"
    __audit__ = audited_by("disclosure.notice")

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    period: Mapped[Period] = mapped_column(PeriodType, primary_key=True)  # the span's last month
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    first: Mapped[Period] = mapped_column(PeriodType)
    body: Mapped[str] = mapped_column(Text)  # canonical JSON, as logged
    log_seq: Mapped[int]
    checkpoint_size: Mapped[int]
    published_on: Mapped[date]
    published_at: Mapped[datetime] = mapped_column(info=unlogged("the record's own time stands"))
    published_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who published: staff-only")
    )
    reason: Mapped[str | None] = mapped_column(Text)  # why this version replaces the last


class NoticeSchedule(Base):
    """A community's publishing calendar (rules.schedule); without a row, the defaults apply."""

    __tablename__ = "disclosure_schedule"
    __audit__ = not_audited("the calendar says when notices fall due; each notice is logged")

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    starts: Mapped[Period] = mapped_column(PeriodType)
    every_months: Mapped[int]
    due_days: Mapped[int]
    changed_at: Mapped[datetime]
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("identity_user.id"))
