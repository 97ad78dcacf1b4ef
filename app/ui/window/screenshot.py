"""``cascade --screenshot OUT.png NOTEBOOK.py``: open, run every cell, capture the window
(``cascade app NOTEBOOK.py --screenshot OUT.png``: in app view; ``--size WxH`` with either).

Used for the README picture, for comparing the window with other tools at a given size, and as
a smoke test of the whole stack. Works offscreen.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

from app.ui import tasks

#: Panels open in the picture.
PANELS = ("outline", "dependencies", "variables")
#: Narrower pictures leave the panels closed: the notebook column needs the room.
PANELS_MIN_WIDTH = 1400
#: The longest the notebook may take to run before the picture is taken anyway.
RUN_TIMEOUT_S = 120.0
#: The window size when no ``--size`` is given.
DEFAULT_SIZE = (1600, 1000)
#: The smallest window a picture is taken of (the window's own minimum is smaller).
MIN_SIZE = (400, 300)
_SIZE = re.compile(r"(\d{1,5})[x×](\d{1,5})")


class SizeError(ValueError):
    """A ``--size`` value that is not ``WIDTHxHEIGHT`` in pixels, or is too small."""


def parse_size(text: str) -> tuple[int, int]:
    """``"800x600"`` -> ``(800, 600)``; anything else raises :class:`SizeError` saying why."""
    match = _SIZE.fullmatch(text.strip().lower())
    if match is None:
        raise SizeError(f"--size expects WIDTHxHEIGHT in pixels, e.g. 800x600; got {text!r}")
    width, height = int(match[1]), int(match[2])
    if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
        raise SizeError(f"--size {width}x{height} is smaller than {MIN_SIZE[0]}x{MIN_SIZE[1]}")
    return width, height


def split_size(args: list[str]) -> tuple[list[str], tuple[int, int]]:
    """Take ``--size WxH`` (or ``--size=WxH``) out of ``args``: the other args and the size."""
    rest: list[str] = []
    size = DEFAULT_SIZE
    items = iter(args)
    for arg in items:
        if arg == "--size":
            size = parse_size(next(items, ""))
        elif arg.startswith("--size="):
            size = parse_size(arg.removeprefix("--size="))
        else:
            rest.append(arg)
    return rest, size


async def _capture(
    notebook: Path, out: Path, size: tuple[int, int], theme: str, app_view: bool = False
) -> None:
    from app.ui.theme.apply import CHOICES, theme_controller
    from app.ui.window.main_window import MainWindow

    choice = next((c for c in CHOICES if c == theme), None)
    if choice is None:
        raise SystemExit(f"cascade: unknown theme {theme!r}; expected light or dark")
    theme_controller().set_choice(choice, remember=False)
    window = MainWindow()
    window.resize(*size)
    window.show()
    if not window.open_path(str(notebook)):
        raise SystemExit(f"cascade: cannot open {notebook}: {getattr(window, 'last_error', '')}")
    coordinator = window.coordinator
    assert coordinator is not None
    if app_view:
        window.commands.app_view.trigger()  # outputs and controls only, as `cascade app`
    else:  # wide pictures show what the notebook knows of itself, whatever the user saved
        window.panels.show_only(PANELS if size[0] >= PANELS_MIN_WIDTH else (), remember=False)
    await coordinator.start_kernel()
    await asyncio.wait_for(coordinator.run_all(), RUN_TIMEOUT_S)
    while tasks.pending():
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)  # let the last output batches and relayouts paint
    if window.view is not None:
        window.view.verticalScrollBar().setValue(0)
    if not window.grab().save(str(out)):
        raise SystemExit(f"cascade: cannot write {out}")
    window.close()


def take_screenshot(
    notebook: str,
    out: str,
    size: tuple[int, int] = DEFAULT_SIZE,
    theme: str = "light",
    app_view: bool = False,
) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(_capture(Path(notebook), Path(out), size, theme, app_view))
    finally:
        loop.close()
        asyncio.set_event_loop(None)
    return 0
