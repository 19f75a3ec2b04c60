"""``python -m bot`` is the same as the ``neurocheck`` command."""

from bot.cli.main import main

main()
