"""What every screen needs, built once at start-up and passed explicitly (no globals)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizapp.bank import Bank
from quizapp.config import Settings
from quizapp.scheduler import SrsScheduler
from quizapp.store import Store

if TYPE_CHECKING:
    from quizapp.coverage import Coverage


@dataclass
class AppContext:
    bank: Bank
    store: Store
    settings: Settings
    scheduler: SrsScheduler
    generators: Mapping[str, Any]
    config_path: Path
    clock: Callable[[], datetime]
    seed: int | None = None
    fuzz: bool = True

    def apply(self, settings: Settings) -> None:
        """Use new settings from now on; the scheduler is rebuilt so retention and the exam date
        take effect for the next answer."""
        self.settings = settings
        self.scheduler = SrsScheduler.from_settings(settings, fuzz=self.fuzz, seed=self.seed)

    _coverage: dict[str, list[Coverage]] = field(default_factory=dict, repr=False)

    def coverage(self, exam: str) -> list[Coverage]:
        """The bank's coverage of ``exam``'s syllabus, computed once: it depends on the bank alone
        (matching every keyword against every item), and home asks for it on each refresh."""
        if exam not in self._coverage:
            from quizapp.coverage import coverage  # home's, not the first question's

            self._coverage[exam] = coverage(self.bank, exam)
        return self._coverage[exam]
