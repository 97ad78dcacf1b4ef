"""Extra [tool.cascade] settings survive the file format untouched."""

from __future__ import annotations

from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.core.settings import get_setting, set_setting


def test_set_get_and_round_trip_through_the_file() -> None:
    nb = Notebook(cells=(Cell("a", "python", "x = 1"),), name="N")
    assert get_setting(nb, "python") is None
    nb = set_setting(nb, "python", ".venv/bin/python")
    assert get_setting(nb, "python") == ".venv/bin/python"
    text = fileformat.dumps(nb)
    assert '# python = ".venv/bin/python"' in text
    again = fileformat.loads(text)
    assert get_setting(again, "python") == ".venv/bin/python"
    assert fileformat.dumps(again) == text
    cleared = set_setting(again, "python", None)
    assert get_setting(cleared, "python") is None
    assert fileformat.loads(fileformat.dumps(cleared)) == cleared


def test_other_header_content_is_kept() -> None:
    text = (
        "# /// script\n"
        '# requires-python = ">=3.11"\n'
        '# dependencies = ["pandas"]\n'
        "#\n"
        "# [tool.cascade]\n"
        "# format = 1\n"
        '# name = "N"\n'
        "# ///\n"
    )
    nb = set_setting(fileformat.loads(text), "python", "/usr/bin/python3")
    out = fileformat.dumps(nb)
    assert 'requires-python = ">=3.11"' in out and 'dependencies = ["pandas"]' in out
    assert get_setting(fileformat.loads(out), "python") == "/usr/bin/python3"
