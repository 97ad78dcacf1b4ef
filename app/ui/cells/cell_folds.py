"""Which parts of a cell are folded away: its code (shown as its first line) and its output
(shown as a one-line "Output hidden" link). The card's ⋯ → Collapse folds both; command
mode's Shift+O and O fold one each."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QWidget

from app.ui.cells.cell_parts import link_label
from app.ui.editor.code_editor import CodeEditor
from app.ui.outputs.markdown_view import MarkdownView
from app.ui.outputs.output_view import OutputArea


class CellFolds:
    """The fold state of one cell and the two labels that stand in for what is folded."""

    def __init__(
        self,
        editor: CodeEditor,
        markdown_view: MarkdownView | None,
        outputs: OutputArea,
        collapse_action: QAction,
    ) -> None:
        self._editor = editor
        self._markdown_view = markdown_view
        self._outputs = outputs
        self._collapse_action = collapse_action
        self.code_hidden = False
        self.output_hidden = False
        self.code_label = QLabel()
        self.code_label.hide()
        self.output_label = link_label()
        self.output_label.setText('<a href="show">Output hidden — show it</a> (O)')
        self.output_label.linkActivated.connect(lambda _href: self.fold(self.code_hidden, False))

    def widgets(self) -> tuple[QWidget, QWidget]:
        """(the code's stand-in, the output's stand-in) for the cell's layout."""
        return self.code_label, self.output_label

    def fold(self, code: bool, output: bool) -> None:
        self.code_hidden, self.output_hidden = code, output
        text = self._editor.code()
        first = next((line for line in text.splitlines() if line.strip()), "")
        self.code_label.setText(f"{first[:80]} …" if first else "…")
        self.code_label.setVisible(code)
        if self._markdown_view is not None:
            self._editor.hide()
            self._markdown_view.setVisible(not code)
        else:
            self._editor.setVisible(not code)
        self.show_outputs()
        both = code and output
        if self._collapse_action.isChecked() != both:
            blocked = self._collapse_action.blockSignals(True)  # not a user's toggle
            self._collapse_action.setChecked(both)
            self._collapse_action.blockSignals(blocked)
        self._collapse_action.setText("Expand" if both else "Collapse")

    def show_outputs(self) -> None:
        """Outputs shown unless empty or folded (then the link stands in for them)."""
        empty = self._outputs.is_empty()
        self._outputs.setVisible(not empty and not self.output_hidden)
        self.output_label.setVisible(not empty and self.output_hidden)
