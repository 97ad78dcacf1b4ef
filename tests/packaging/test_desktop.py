"""Desktop integration: what ``cascade --install-desktop`` writes, and that uninstalling
removes exactly that. Everything goes to a temporary XDG data folder."""

from __future__ import annotations

import configparser
import os
import shlex
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app import desktop

ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def read_entry(path: Path) -> dict[str, str]:
    """The [Desktop Entry] group, keys case-kept; raw: ``%f`` is not interpolation."""
    parser = configparser.RawConfigParser()
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def expected_files(home: Path) -> list[Path]:
    return [
        home / "applications" / "cascade.desktop",
        home / "icons" / "hicolor" / "256x256" / "apps" / "cascade.png",
        home / "icons" / "hicolor" / "scalable" / "apps" / "cascade.svg",
        home / "mime" / "packages" / "cascade.xml",
    ]


def test_install_writes_entry_icons_and_mime_type(tmp_path: Path) -> None:
    written = desktop.install_desktop(tmp_path)

    assert written == expected_files(tmp_path)
    entry = read_entry(tmp_path / "applications" / "cascade.desktop")
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Cascade"
    assert entry["Comment"]
    assert shlex.split(entry["Exec"]) == [os.path.abspath(sys.executable), "-m", "app", "%f"]
    assert entry["Icon"] == "cascade"
    assert entry["Terminal"] == "false"
    assert entry["Categories"] == "Development;Science;"
    assert entry["MimeType"] == "text/x-python;application/x-cascade-notebook;"
    assert entry["StartupWMClass"] == "Cascade"  # X11 WM_CLASS: ("Cascade", "Cascade")

    png = (tmp_path / "icons" / "hicolor" / "256x256" / "apps" / "cascade.png").read_bytes()
    assert png_size(png) == (256, 256)
    svg = tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "cascade.svg"
    assert svg.read_bytes() == (ROOT / "resources" / "cascade.svg").read_bytes()

    mime = ET.parse(tmp_path / "mime" / "packages" / "cascade.xml").getroot()
    (mime_type,) = mime.findall(f"{MIME_NS}mime-type")
    assert mime_type.get("type") == "application/x-cascade-notebook"
    assert mime_type.find(f"{MIME_NS}sub-class-of").get("type") == "text/x-python"  # type: ignore[union-attr]
    assert mime_type.find(f"{MIME_NS}glob") is None
    match = mime_type.find(f"{MIME_NS}magic/{MIME_NS}match")
    assert match is not None
    assert (match.get("type"), match.get("value"), match.get("offset")) == (
        "string",
        "[tool.cascade]",
        "0:512",
    )


def test_the_mime_magic_matches_the_demo_notebook_header() -> None:
    """The magic looks for ``[tool.cascade]`` in the first 512 bytes: the demo has it there."""
    head = (ROOT / "notebooks" / "demo.py").read_bytes()[: 512 + len("[tool.cascade]")]
    assert b"[tool.cascade]" in head


def test_install_twice_is_harmless(tmp_path: Path) -> None:
    first = desktop.install_desktop(tmp_path)
    assert desktop.install_desktop(tmp_path) == first
    assert all(path.is_file() for path in first)


def test_uninstall_removes_exactly_what_install_wrote(tmp_path: Path) -> None:
    neighbours = {
        tmp_path / "applications" / "other.desktop": b"[Desktop Entry]\nName=Other\n",
        tmp_path / "icons" / "hicolor" / "256x256" / "apps" / "other.png": PNG_SIGNATURE,
        tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "other.svg": b"<svg/>",
        tmp_path / "mime" / "packages" / "other.xml": b"<mime-info/>",
    }
    for path, data in neighbours.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    written = desktop.install_desktop(tmp_path)
    removed = desktop.uninstall_desktop(tmp_path)

    assert removed == written
    assert not any(path.exists() for path in written)
    for path, data in neighbours.items():
        assert path.read_bytes() == data
    assert desktop.uninstall_desktop(tmp_path) == []


def test_the_shipped_template_has_the_same_keys_and_runs_the_bundle(tmp_path: Path) -> None:
    template = read_entry(ROOT / "resources" / "cascade.desktop")
    desktop.install_desktop(tmp_path)
    installed = read_entry(tmp_path / "applications" / "cascade.desktop")

    assert template["Exec"] == "Cascade %f"
    assert {k: v for k, v in template.items() if k != "Exec"} == {
        k: v for k, v in installed.items() if k != "Exec"
    }


def test_exec_quotes_paths_with_spaces_and_percent_signs() -> None:
    entry = desktop.desktop_entry(["/opt/my apps/python", "-m", "app"])
    (exec_line,) = [line for line in entry.splitlines() if line.startswith("Exec=")]
    assert exec_line == 'Exec="/opt/my apps/python" -m app %f'
    assert desktop.desktop_entry(["/opt/100%/Cascade"]).count("Exec=/opt/100%%/Cascade %f") == 1


def test_the_frozen_app_launches_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert desktop.launch_command() == [os.path.abspath(sys.executable)]


def test_data_home_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert desktop.default_data_home() == tmp_path
    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")  # the spec says: ignore it
    assert desktop.default_data_home() == Path.home() / ".local" / "share"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert desktop.default_data_home() == Path.home() / ".local" / "share"


def test_resources_are_found_beside_the_app_package() -> None:
    assert desktop.resource_path("cascade.svg") == ROOT / "resources" / "cascade.svg"
    assert desktop.resource_path("cascade.png").is_file()


def cascade(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )


def test_the_command_installs_and_uninstalls(tmp_path: Path) -> None:
    installed = cascade(tmp_path, "--install-desktop")
    assert installed.returncode == 0, installed.stderr
    files = expected_files(tmp_path)
    for path in files:
        assert path.is_file()
        assert str(path) in installed.stdout
    entry = read_entry(tmp_path / "applications" / "cascade.desktop")
    assert shlex.split(entry["Exec"])[1:] == ["-m", "app", "%f"]

    removed = cascade(tmp_path, "--uninstall-desktop")
    assert removed.returncode == 0, removed.stderr
    for path in files:
        assert not path.exists()
        assert str(path) in removed.stdout

    again = cascade(tmp_path, "--uninstall-desktop")
    assert again.returncode == 0, again.stderr
    assert "nothing to remove" in again.stdout
