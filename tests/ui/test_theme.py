"""Themes: WCAG contrast of every text/background pair, the Qt palette, switching repaints."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QFontInfo, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui.editor.code_editor import CodeEditor
from app.ui.theme.apply import (
    ThemeController,
    qt_palette,
    stored_choice,
    theme_controller,
    theme_for,
)
from app.ui.theme.contrast import contrast_ratio
from app.ui.theme.fonts import MONO_FAMILY, load_bundled_fonts, monospace_font
from app.ui.theme.palettes import DARK, LIGHT, THEMES, strip_pairs, text_pairs
from app.ui.theme.syntax import syntax_style


def test_contrast_ratio_matches_known_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize("theme", THEMES.values(), ids=THEMES.keys())
def test_every_text_colour_pair_meets_wcag_aa(theme: object) -> None:
    low = [
        (what, round(contrast_ratio(fg, bg), 2))
        for what, fg, bg in text_pairs(theme)  # type: ignore[arg-type]
        if contrast_ratio(fg, bg) < 4.5
    ]
    assert not low, low
    assert len(text_pairs(theme)) >= 20  # type: ignore[arg-type]


@pytest.mark.parametrize("theme", THEMES.values(), ids=THEMES.keys())
def test_status_strips_stand_out_from_the_card(theme: object) -> None:
    low = [
        (what, round(contrast_ratio(fg, bg), 2))
        for what, fg, bg in strip_pairs(theme)  # type: ignore[arg-type]
        if contrast_ratio(fg, bg) < 3.0
    ]
    assert not low, low


def test_syntax_styles_use_the_theme_colours() -> None:
    from pygments.token import Keyword, String

    for theme, dark in ((LIGHT, False), (DARK, True)):
        style = syntax_style(dark)
        assert f"#{style.style_for_token(Keyword)['color']}" == theme.syntax.keyword
        assert f"#{style.style_for_token(String)['color']}" == theme.syntax.string
        assert style.background_color == theme.editor_bg


def test_the_palette_is_read_back_as_its_theme() -> None:
    assert theme_for(qt_palette(DARK)) is DARK
    assert theme_for(qt_palette(LIGHT)) is LIGHT


def test_bundled_monospace_is_loaded(qapp: QApplication) -> None:
    assert load_bundled_fonts()
    assert QFontInfo(monospace_font()).family() == MONO_FAMILY


@pytest.fixture
def controller(qapp: QApplication) -> Iterator[ThemeController]:
    controller = theme_controller()
    yield controller
    controller.set_choice("light")


def test_choosing_dark_repaints_open_editors(qtbot: QtBot, controller: ThemeController) -> None:
    controller.set_choice("light")
    editor = CodeEditor("python")
    qtbot.addWidget(editor)
    editor.set_code("def f(): pass")
    assert not editor._highlighter.dark()
    with qtbot.waitSignal(controller.changed):
        controller.set_choice("dark")
    qtbot.waitUntil(lambda: editor._highlighter.dark())
    assert editor.palette().color(QPalette.ColorRole.Base).name() == DARK.editor_bg
    controller.set_choice("light")
    qtbot.waitUntil(lambda: not editor._highlighter.dark())


def test_the_choice_is_remembered(controller: ThemeController) -> None:
    controller.set_choice("dark")
    assert stored_choice() == "dark"
    controller.set_choice("system")
    assert stored_choice() == "system"
