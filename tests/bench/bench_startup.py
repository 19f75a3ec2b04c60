"""Start-up time (issue 21): a new process until the bot is built and ready to start.

    python -m tests.bench.bench_startup [--runs 5]

Each run is a fresh interpreter (nothing cached in memory, as after a restart) that imports
``bot.app`` and builds the bot on a new SQLite file, as ``neurocheck run`` does before it
connects to Telegram (which it does not here). Printed: the median and worst wall time of
the whole process, the import of ``bot.app`` alone, and whether matplotlib was loaded (only
charts need it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = """
import json, sys, tempfile, time
started = time.perf_counter()
from bot import app
imported = time.perf_counter()
from bot.config import Settings
from storage import migrate
from storage.db import Database
with tempfile.TemporaryDirectory() as folder:
    db = Database(f"sqlite:///{folder}/startup.db")
    migrate.upgrade(db.engine)
    migrated = time.perf_counter()
    app.build(Settings(bot_token="1:startup", database_url=db.url), db)
    built = time.perf_counter()
    db.dispose()
print(json.dumps({
    "import": imported - started,
    "build": built - migrated,
    "matplotlib": "matplotlib" in sys.modules,
}))
"""


def one_run() -> tuple[float, dict[str, float]]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        out = subprocess.run(  # noqa: S603 (this interpreter, our own script)
            [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True, cwd=folder
        )
    figures: dict[str, float] = json.loads(out.stdout.splitlines()[-1])
    return time.perf_counter() - started, figures


def main(runs: int) -> None:
    results = [one_run() for _ in range(runs)]
    walls = [wall for wall, _ in results]
    imports = [figures["import"] for _, figures in results]
    builds = [figures["build"] for _, figures in results]
    print(
        f"start-up over {runs} runs: process median={statistics.median(walls):5.2f} s "
        f"worst={max(walls):5.2f} s; import bot.app median={statistics.median(imports):5.2f} s; "
        f"build median={statistics.median(builds):5.2f} s; "
        f"matplotlib loaded: {any(figures['matplotlib'] for _, figures in results)}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    main(parser.parse_args().runs)
