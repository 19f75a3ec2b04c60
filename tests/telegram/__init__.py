"""Tests of Telegram-side rendering."""
