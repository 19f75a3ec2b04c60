"""Version of the grading rules, recorded in every result.

Why: a stored grade must be traceable to the rules that produced it. Change this string
whenever any rule in `bot.clinical` changes the grade, score, flag or trigger it returns, so
that old and new results can be told apart in the audit trail.
"""

from __future__ import annotations

from typing import Final

RULESET_VERSION: Final = "astct-2019/neurocheck-2"
