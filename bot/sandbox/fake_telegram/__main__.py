"""``python -m bot.sandbox.fake_telegram``: serve the fake until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .server import FakeTelegram


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123:ABC")
    parser.add_argument("--bot-username", default="neurocheck_test_bot")
    parser.add_argument(
        "--enforce-rate-limits",
        action="store_true",
        help="answer sends beyond Telegram's flood limits with 429",
    )
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    fake = FakeTelegram(
        token=args.token,
        bot_username=args.bot_username,
        host=args.host,
        port=args.port,
        enforce_rate_limits=args.enforce_rate_limits,
    )
    async with fake:
        print(f"Fake Telegram for @{fake.bot_username} on {fake.url}", flush=True)
        print(f"  bot base_url:      {fake.base_url}", flush=True)
        print(f"  bot base_file_url: {fake.base_file_url}", flush=True)
        print(f"  control API:       {fake.url}/_fake/  (Ctrl-C to stop)", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    """Entry point: run until interrupted."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(_arguments(argv)))


if __name__ == "__main__":
    main()
