"""China's working calendar as the audit sees it (to be written)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CalendarConfig:
    """The policy's calendar section, already validated."""
    extra_holidays: tuple[dt.date, ...] = ()
    extra_workdays: tuple[dt.date, ...] = ()
    #: working periods within a working day, e.g. ((09:00, 12:00), (13:30, 18:00))
    working_hours: tuple[tuple[dt.time, dt.time], ...] = ((dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(18)))
    #: quiet hours, may wrap midnight, e.g. (22:00, 07:00); None for none
    quiet_hours: tuple[dt.time, dt.time] | None = (dt.time(22), dt.time(7))
