"""`cascade --screenshot … --size WxH`: the size is read strictly and a bad one is refused."""

from __future__ import annotations

import pytest

from app.__main__ import main
from app.ui.window.screenshot import DEFAULT_SIZE, SizeError, parse_size, split_size


@pytest.mark.parametrize(
    ("text", "size"),
    [("800x600", (800, 600)), (" 1280X720 ", (1280, 720)), ("1024×768", (1024, 768))],
)
def test_sizes_are_width_by_height_in_pixels(text: str, size: tuple[int, int]) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize(
    "text", ["", "800", "800x", "x600", "800*600", "-800x600", "8.5x6", "10x10"]
)
def test_other_sizes_are_refused_with_the_reason(text: str) -> None:
    with pytest.raises(SizeError, match="--size"):
        parse_size(text)


def test_the_size_option_is_taken_out_wherever_it_stands() -> None:
    args = ["--screenshot", "out.png", "nb.py", "dark"]
    assert split_size(args) == (args, DEFAULT_SIZE)
    assert split_size([*args[:3], "--size", "800x600", "dark"]) == (args, (800, 600))
    assert split_size([*args, "--size=640x480"]) == (args, (640, 480))
    with pytest.raises(SizeError):
        split_size([*args, "--size"])  # the value is missing


def test_a_bad_size_is_a_one_line_error_and_no_window(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--screenshot", "out.png", "nb.py", "--size", "big"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cascade: --size expects WIDTHxHEIGHT")
    assert main(["app", "nb.py", "--screenshot"]) == 2  # OUT missing: the usage, not a window
    assert "usage: cascade" in capsys.readouterr().err
