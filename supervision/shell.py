"""The one runtime shell of a COC (the commune's and the province's): its parts in boot order with the supervisor
last, started in order (the started ones stopped again when one fails) and stopped in reverse after every part was
told that COC is stopping."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from supervision.part import Part
from supervision.supervisor import Supervisor, start_in_order, stop_in_reverse


@dataclass(frozen=True, slots=True)
class Shell:
    """A runtime's parts in boot order and the supervisor watching them (started last, stopped first)."""

    parts: tuple[Part, ...]
    supervisor: Supervisor

    @classmethod
    def of(cls, parts: Iterable[Part | None], interval_s: float = 2.0) -> Shell:
        """The parts that are configured (None: not configured), in the order given, under a new supervisor."""
        present = tuple(part for part in parts if part is not None)
        return cls(present, Supervisor(present, interval_s))

    def then(self, part: Part | None) -> Shell:
        """This shell with `part` last in the boot order, watched by the same supervisor: for the web server, made
        after the app context that reads this supervisor (None: no such part, the shell as it is)."""
        if part is None:
            return self
        self.supervisor.watch(part)
        return replace(self, parts=(*self.parts, part))

    @property
    def boot_order(self) -> tuple[Part, ...]:
        return (*self.parts, self.supervisor)

    def start(self) -> None:
        """Start every part in boot order; when one fails, the ones started are stopped in reverse and
        supervision.supervisor.PartFailedToStart is raised."""
        start_in_order(self.boot_order)

    def stop(self, progress: Callable[[str], None] | None = None) -> None:
        """Every part told that COC is stopping (no restarts, no alarms from the stop), then stopped in reverse boot
        order; `progress` hears each part's name as it is stopped."""
        stop_in_reverse(self.boot_order, progress)
