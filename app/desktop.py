"""Desktop integration for the current user: the launcher entry, the icons, the notebook MIME type.

``cascade --install-desktop`` writes four files under the XDG data folder (``$XDG_DATA_HOME``,
else ``~/.local/share``) and ``--uninstall-desktop`` removes exactly those four. The launcher
starts the program that ran the install: the frozen executable, or ``python -m app`` from
source. Stdlib only and Qt-free, so it works without a display.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

#: The desktop file and icon name; also the app id the window reports on Wayland (and in
#: ``_GTK_APPLICATION_ID`` on X11): ``QGuiApplication.setDesktopFileName("cascade")``.
APP_ID = "cascade"
#: A Cascade notebook: a Python file whose PEP 723 header has a ``[tool.cascade]`` table.
NOTEBOOK_MIME_TYPE = "application/x-cascade-notebook"

# Matched by content, not by name: notebooks are ``.py`` files like any other, so the type is
# a subclass of text/x-python recognised by its header within the first 512 bytes.
MIME_XML = f"""\
<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="{NOTEBOOK_MIME_TYPE}">
    <comment>Cascade notebook</comment>
    <sub-class-of type="text/x-python"/>
    <magic priority="80">
      <match type="string" value="[tool.cascade]" offset="0:512"/>
    </magic>
  </mime-type>
</mime-info>
"""

#: Characters that make an Exec argument need quotes (Desktop Entry Specification, "Exec key").
_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def resource_path(name: str) -> Path:
    """A file shipped in ``resources/``: beside the ``app`` package from source and when frozen."""
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) if base else Path(__file__).resolve().parents[1]
    return root / "resources" / name


def default_data_home() -> Path:
    """``$XDG_DATA_HOME`` if set to an absolute path (as the spec says), else ``~/.local/share``."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def launch_command() -> list[str]:
    """How the launcher starts this Cascade: the frozen executable, or this Python with ``-m app``."""
    executable = os.path.abspath(sys.executable)
    if getattr(sys, "frozen", False):
        return [executable]
    return [executable, "-m", "app"]


def _exec_quote(arg: str) -> str:
    """One Exec argument, quoted and escaped as the Desktop Entry Specification requires."""
    arg = arg.replace("%", "%%")
    if not arg or _EXEC_RESERVED & set(arg):
        escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
        arg = f'"{escaped}"'
    # The value is also a desktop-file string, whose own escape character is the backslash.
    return arg.replace("\\", "\\\\")


def desktop_entry(command: list[str]) -> str:
    """The shipped template (``resources/cascade.desktop``) with ``Exec`` set to ``command``."""
    exec_line = "Exec=" + " ".join(_exec_quote(arg) for arg in command) + " %f"
    template = resource_path(f"{APP_ID}.desktop").read_text(encoding="utf-8")
    lines = [exec_line if line.startswith("Exec=") else line for line in template.splitlines()]
    return "\n".join(lines) + "\n"


def installed_files(home: Path) -> dict[str, Path]:
    """What an install writes under the data folder ``home``, by role."""
    return {
        "entry": home / "applications" / f"{APP_ID}.desktop",
        "icon": home / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png",
        "scalable_icon": home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        "mime": home / "mime" / "packages" / f"{APP_ID}.xml",
    }


def install_desktop(data_home: Path | None = None) -> list[Path]:
    """Write the launcher entry, icons and MIME type for this user; return the files written."""
    home = data_home if data_home is not None else default_data_home()
    files = installed_files(home)
    contents: dict[str, bytes] = {
        "entry": desktop_entry(launch_command()).encode("utf-8"),
        "icon": resource_path(f"{APP_ID}.png").read_bytes(),
        "scalable_icon": resource_path(f"{APP_ID}.svg").read_bytes(),
        "mime": MIME_XML.encode("utf-8"),
    }
    for role, path in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(contents[role])
    _refresh_caches(home)
    return list(files.values())


def uninstall_desktop(data_home: Path | None = None) -> list[Path]:
    """Remove the files :func:`install_desktop` writes (nothing else); return those removed."""
    home = data_home if data_home is not None else default_data_home()
    removed = []
    for path in installed_files(home).values():
        if path.is_file() or path.is_symlink():
            path.unlink()
            removed.append(path)
    if removed:
        _refresh_caches(home)
    return removed


def _refresh_caches(home: Path) -> None:
    """Let the desktop see the change now; the tools are optional, their failures harmless."""
    for tool, folder in (
        ("update-desktop-database", home / "applications"),
        ("update-mime-database", home / "mime"),
    ):
        program = shutil.which(tool)
        if program is None or not folder.is_dir():
            continue
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                [program, str(folder)],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=60,
                check=False,
            )


def install_command() -> int:
    """``cascade --install-desktop``: install and say what was written."""
    try:
        written = install_desktop()
    except OSError as exc:
        print(f"cascade: cannot install the desktop entry: {exc}", file=sys.stderr)
        return 1
    print("Installed Cascade for this user:")
    for path in written:
        print(f"  {path}")
    return 0


def uninstall_command() -> int:
    """``cascade --uninstall-desktop``: remove and say what was removed."""
    try:
        removed = uninstall_desktop()
    except OSError as exc:
        print(f"cascade: cannot remove the desktop entry: {exc}", file=sys.stderr)
        return 1
    if not removed:
        print("Cascade was not installed for this user: nothing to remove.")
        return 0
    print("Removed Cascade for this user:")
    for path in removed:
        print(f"  {path}")
    return 0
