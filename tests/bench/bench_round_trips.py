"""What one button press costs the database, counted rather than timed (issue 21).

A press's milliseconds on the shared development machine move by more than what changes
them, so this counts what does not move: the statements a press runs and, on PostgreSQL,
its round trips (each statement, the BEGIN psycopg sends before the first, the COMMIT, and
any ping of the pooled connection). It also times the press in this process, with the
service layer alone (no Telegram): back to back, and 50 ms apart as ``bench_press`` paces
them (a press after a pause runs on cold caches and wakes the database's process).

    python -m tests.bench.bench_round_trips [--presses 200]
    NEUROCHECK_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        python -m tests.bench.bench_round_trips

Three presses: an answer (the nurse's own check: locked, read, updated), a refused press
(another nurse's check: refused and audited) and a cancel (the check closed, its schedule
row finished, audited).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event

from bot.clinical import check_flow
from bot.services.checks import CheckService, CheckView
from bot.services.errors import RefusedError
from bot.services.staff import StaffService
from bot.telegram import callbacks, check_views
from storage.db import Database
from storage.models import Role
from tests.bench.bench_press import fresh_database
from tests.support import factories

NURSE, OTHER = 901, 902
ZONE = ZoneInfo("UTC")


@contextmanager
def counting(db: Database) -> Iterator[Counter[str]]:
    """Counts statements, transactions and pings on ``db``'s engine while open."""
    seen: Counter[str] = Counter()
    engine, dialect = db.engine, db.engine.dialect
    ping = dialect.do_ping

    def statement(*_: Any) -> None:
        seen["statements"] += 1

    def begin(*_: Any) -> None:
        seen["begin"] += 1

    def commit(*_: Any) -> None:
        seen["commit"] += 1

    def counted_ping(dbapi_conn: Any) -> bool:
        seen["pings"] += 1
        return ping(dbapi_conn)

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", begin)
    event.listen(engine, "commit", commit)
    setattr(dialect, "do_ping", counted_ping)  # noqa: B010 (counting the dialect's pings)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "begin", begin)
        event.remove(engine, "commit", commit)
        setattr(dialect, "do_ping", ping)  # noqa: B010


def action_of(view: CheckView, label: str) -> str:
    """The callback action of the button labelled ``label`` (a mark before it ignored)."""
    _, markup = check_views.render(view, ZONE, "en")
    assert markup is not None
    for row in markup.inline_keyboard:
        for button in row:
            data = callbacks.parse(str(button.callback_data))
            if button.text.removeprefix("● ") == label and data is not None:
                return data.action
    raise KeyError(label)


class Ward:
    """A nurse with a check open on Bed 1 at the orientation question, and a colleague."""

    def __init__(self, db: Database) -> None:
        ward = factories.ward(db)
        factories.staff(db, NURSE, "Nurse Bench", Role.NURSE, [ward])
        factories.staff(db, OTHER, "Nurse Other", Role.NURSE, [ward])
        self.db, self.ward, self.beds = db, ward, 0
        clock = lambda: dt.datetime.now(dt.UTC)  # noqa: E731
        self.staff = StaffService(db, clock)
        self.checks = CheckService(db, clock, ZONE)
        self.view = self.open_check()
        self.marks = action_of(self.view, "Year ✓"), action_of(self.view, "Year ✗")

    def open_check(self) -> CheckView:
        self.beds += 1
        factories.patient(self.db, self.ward, f"Bed {self.beds}")
        nurse = self.staff.find_active(NURSE)
        assert nurse is not None
        result = self.checks.start(nurse, label=f"Bed {self.beds}")
        view = getattr(result, "view")  # noqa: B009 (Shown; Held has none)
        done = self.press(NURSE, view, action_of(view, "Alert"))
        assert not isinstance(done, RefusedError)
        return done

    def press(self, user: int, view: CheckView, action: str) -> CheckView | RefusedError:
        """A press as the handler makes it: who is pressing and the press, one transaction."""

        def work(actor: Any) -> CheckView | RefusedError:
            try:
                return self.checks.press(actor, view.assessment_id, view.version, action).view
            except RefusedError as refused:
                return refused

        done = self.staff.run_as(user, work)
        assert done is not None
        return done[1]

    def answer(self, n: int) -> None:
        done = self.press(NURSE, self.view, self.marks[n % 2])
        assert not isinstance(done, RefusedError)
        self.view = done

    def refused(self, _n: int) -> None:
        assert isinstance(self.press(OTHER, self.view, self.marks[0]), RefusedError)

    def cancel(self, _n: int) -> Callable[[], None]:
        view = self.open_check()
        return lambda: self.cancel_now(view)

    def cancel_now(self, view: CheckView) -> None:
        done = self.press(NURSE, view, check_flow.CANCEL)
        assert not isinstance(done, RefusedError)


def per_press(seen: Counter[str], presses: int, postgres: bool) -> str:
    statements = seen["statements"] / presses
    line = f"statements {statements:4.1f}"
    if postgres:  # psycopg sends BEGIN and COMMIT as round trips of their own
        trips = (seen["statements"] + seen["begin"] + seen["commit"] + seen["pings"]) / presses
        line += f"  round trips {trips:4.1f} (pings {seen['pings'] / presses:.1f})"
    return line


def timed(run: Callable[[int], None], presses: int, gap: float) -> float:
    timings = []
    for n in range(presses):
        time.sleep(gap)
        started = time.perf_counter()
        run(n)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def main(presses: int) -> None:
    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder)) as db:
        postgres = not db.is_sqlite
        print(f"database: {db.engine.dialect.name}")
        ward = Ward(db)
        for n in range(20):  # warm: statements prepared, caches filled
            ward.answer(n)
        for name in ("answer", "refused"):
            run = getattr(ward, name)
            with counting(db) as seen:
                for n in range(presses):
                    run(n)
            hot, paced = timed(run, presses, 0.0), timed(run, presses // 4, 0.05)
            print(
                f"{name:<8} {per_press(seen, presses, postgres)}  "
                f"median {hot:5.2f} ms back to back, {paced:5.2f} ms 50 ms apart"
            )
        cancels = [ward.cancel(n) for n in range(presses // 4)]
        with counting(db) as seen:
            for cancel in cancels:
                cancel()
        print(f"{'cancel':<8} {per_press(seen, len(cancels), postgres)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--presses", type=int, default=200, help="presses of each kind")
    main(parser.parse_args().presses)
