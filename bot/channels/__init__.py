"""Senders for the channels besides Telegram (webhook, e-mail) and the heartbeat: the bot's
ways out of Telegram. Each sender takes one outbox row and raises GiveUpError or TryLaterError."""
