"""Entry point: argv dispatch only.

``cascade run NOTEBOOK.py [--json]`` runs headless (``convert`` and ``export`` too);
``--kernel-worker`` turns the (frozen) binary into a kernel worker before anything heavy is
imported; ``cascade [NOTEBOOK.py]`` opens the window. ``--log-level LEVEL`` anywhere (every
command) also logs to stderr; the log file is always written (:mod:`app.logs`).
"""

from __future__ import annotations

import gc
import logging
import sys

USAGE = (
    "usage: cascade [NOTEBOOK.py | NB.ipynb]   (a .ipynb or marimo notebook is imported)\n"
    "       cascade run NOTEBOOK.py [--json] [--set NAME=VALUE …]   run every cell headless\n"
    "            and print results (--set: a control's value, by its variable's name)\n"
    "            (exit 0: all cells succeeded, 1: a cell failed, 2: the file is not a\n"
    "            notebook Cascade opens — a .py file of at most 10 MB — or the kernel\n"
    "            cannot start; the reason is one line on stderr; a .ipynb or marimo\n"
    "            notebook is converted in memory and run)\n"
    "       cascade app NOTEBOOK.py [--screenshot OUT.png [--size WxH]]   open it as an app:\n"
    "            outputs and controls only (--screenshot: run it offscreen, save a picture)\n"
    "       cascade convert NB.ipynb [-o OUT.py]   import a Jupyter (or marimo) notebook\n"
    "            into a new NB.py beside it; the report goes to stderr\n"
    "       cascade --screenshot OUT.png NOTEBOOK.py [light|dark] [--size WxH]   run it\n"
    "            offscreen, save a picture of a WxH window (default 1600x1000)\n"
    "       cascade export NOTEBOOK.py --html OUT.html   run it, write one HTML page\n"
    "       cascade export NOTEBOOK.py --ipynb OUT.ipynb   run it, write a Jupyter notebook\n"
    "       cascade --install-desktop | --uninstall-desktop   menu entry and file association\n"
    "       --log-level debug|info|warning|error (any command): log to stderr too; the log\n"
    "            file is ~/.local/state/cascade/cascade.log ($XDG_STATE_HOME)"
)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--kernel-worker"]:
        from kernel_worker.main import main as worker_main

        return worker_main()
    from app.logs import LogLevelError, configure, split_log_level

    try:
        args, level = split_log_level(args)
    except LogLevelError as exc:
        print(f"cascade: {exc}", file=sys.stderr)
        return 2
    configure(level)
    logging.getLogger(__name__).info("cascade %s", " ".join(args[:1]) or "window")
    if args[:1] in (["run"], ["export"]):
        from app import cli

        command = cli.run_command if args[0] == "run" else cli.export_command
        code = command(args[1:])
        if argv is None:  # this call is the whole process (the console script, python -m app)
            _leave_to_exit()
        return code
    if args[:1] == ["convert"]:
        from app.cli_convert import convert_command

        return convert_command(args[1:])
    if "--screenshot" in args[:3]:
        return _screenshot_command(args)
    if args[:1] in (["-h"], ["--help"]):
        print(USAGE)
        return 0
    if args[:1] == ["--install-desktop"]:
        from app.desktop import install_command

        return install_command()
    if args[:1] == ["--uninstall-desktop"]:
        from app.desktop import uninstall_command

        return uninstall_command()
    from app.ui.window.app import run_gui

    if args[:1] == ["app"] and len(args) == 2:
        return run_gui(args[1], app_view=True)
    return run_gui(args[0] if args else None)


def _leave_to_exit() -> None:
    """Everything alive now dies with the process: hand it to the collector's permanent
    generation, so that the interpreter's exit, which collects all garbage several times over,
    does not walk it (40 of the 45 ms a headless run's process took to exit). The app process
    runs no user code; nothing of it needs a collection to be finalised (logging's handlers are
    flushed and closed at exit all the same)."""
    gc.freeze()


def _screenshot_command(args: list[str]) -> int:
    """``--screenshot OUT NB [theme]`` or ``app NB --screenshot OUT``, each with ``--size WxH``."""
    from app.ui.window.screenshot import SizeError, split_size, take_screenshot

    try:
        args, size = split_size(args)
    except SizeError as exc:
        print(f"cascade: {exc}", file=sys.stderr)
        return 2
    if args[:1] == ["--screenshot"] and len(args) in (3, 4):
        theme = args[3] if len(args) == 4 else "light"
        return take_screenshot(notebook=args[2], out=args[1], size=size, theme=theme)
    if args[:1] == ["app"] and len(args) == 4 and args[2] == "--screenshot":
        return take_screenshot(notebook=args[1], out=args[3], size=size, app_view=True)
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
