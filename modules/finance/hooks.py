"""What a higher layer tells the finance module (registered from its ``AppConfig.ready()``).

``register_review_holder(check)``: ``check(actor, budget) -> bool`` says whether ``actor``
holds the budget's departmental review right now (the budget process in
``workflows/budget`` registers it: the review task is assigned to them). Only that person may
adjust line amounts before approving (``services.budget_lines_adjust``). With nothing
registered nobody may.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_review_holder: list[Callable[[Any, Any], bool]] = []


def register_review_holder(check: Callable[[Any, Any], bool]) -> None:
    _review_holder[:] = [check]


def holds_review(actor: Any, budget: Any) -> bool:
    return bool(_review_holder) and actor is not None and _review_holder[0](actor, budget)
