"""Test support code shared by the end-to-end tests (fake Telegram Bot API server)."""
