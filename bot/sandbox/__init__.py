"""The sandbox: the real bot, unchanged, on a ward of invented patients, with no Telegram.

``fake_telegram`` is the Bot API stand-in (the end-to-end tests use it too); the rest runs
``neurocheck sandbox``: a demo ward seeded through the real services, a clock the user moves,
and a web page with three phones. Nothing here imports at package import time, so the tests'
``import bot.sandbox.fake_telegram`` loads neither the bot nor the page.
"""
