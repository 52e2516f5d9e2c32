"""iso(): TPC's timestamp format, with the formatted second reused between calls."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tpc_mock.clock import iso


def test_iso_formats_each_moment_even_when_the_second_changes_or_repeats() -> None:
    base = datetime(2026, 1, 5, 9, 0, 0, 123456, tzinfo=timezone.utc)
    assert iso(base) == "2026-01-05T09:00:00.123Z"
    assert iso(base + timedelta(milliseconds=5)) == "2026-01-05T09:00:00.128Z"
    assert iso(base + timedelta(seconds=1)) == "2026-01-05T09:00:01.123Z"
    assert iso(base) == "2026-01-05T09:00:00.123Z", "going back a second is not a stale cache"
    plus_two = datetime(2026, 1, 5, 11, 0, 1, 999999, tzinfo=timezone(timedelta(hours=2)))
    assert iso(plus_two) == "2026-01-05T09:00:01.999Z", "other zones are converted to UTC"
    assert iso(None) is None


def test_now_and_timestamp_agree_with_and_without_an_offset() -> None:
    import time

    from tpc_mock.clock import Clock

    clock = Clock()
    assert clock.now().tzinfo is timezone.utc
    assert abs(clock.timestamp() - time.time()) < 1
    assert abs(clock.timestamp() - clock.now().timestamp()) < 0.01
    clock.advance(3600)
    assert abs(clock.timestamp() - (time.time() + 3600)) < 1
    assert abs(clock.timestamp() - clock.now().timestamp()) < 0.01
    clock.set(datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    assert abs(clock.timestamp() - datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc).timestamp()) < 1
    clock.reset()
    assert abs(clock.timestamp() - time.time()) < 1
