"""Progress of `lawqa index` on stderr: one bar per stage, each closed before the next opens.

A terminal gets a tqdm bar with the stage's own unit (files while reading,
passages while embedding); a log file or pipe gets a few plain lines instead,
so no cursor-movement escapes end up in logs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO

Update = Callable[[int, int], None]  # (done, total)


class StageProgress:
    """progress.stage(label, unit) gives the callback for one stage; close() ends the last one."""

    def __init__(self, stream: TextIO | None = None, *, steps: int = 4) -> None:
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        self._steps = steps
        self._bar: Any = None
        self._label = ""
        self._printed = -1

    def stage(self, label: str, unit: str) -> Update:
        def update(done: int, total: int) -> None:
            if self._label != label:
                self.close()
                self._open(label, unit, total)
            self._advance(done, total, unit)

        return update

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        self._bar, self._label, self._printed = None, "", -1

    def _open(self, label: str, unit: str, total: int) -> None:
        self._label = label
        if self._tty:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=label, unit=unit, file=self._stream, position=0, leave=True)

    def _advance(self, done: int, total: int, unit: str) -> None:
        if self._bar is not None:
            self._bar.update(done - self._bar.n)
            return
        step = done * self._steps // max(total, 1)  # a plain line at 0, 1/4, 1/2, 3/4 and all done
        if step > self._printed:
            self._printed = step
            print(f"{self._label}：{done}/{total} {unit}", file=self._stream, flush=True)
