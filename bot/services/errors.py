"""The one shape of a refused request, shared by the services."""

from __future__ import annotations

from enum import StrEnum
from typing import Generic, TypeVar

P = TypeVar("P", bound=StrEnum)


class RefusedError(ValueError, Generic[P]):
    """A refused request: ``problem`` says which rule, ``message`` is for the person as it is
    (chat or command line), so adapters show it without rewording."""

    def __init__(self, problem: P, message: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message
