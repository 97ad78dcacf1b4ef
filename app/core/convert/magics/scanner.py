"""Finding magic lines in a cell: Python's tokenizer tracks brackets, strings and indentation,
and each logical line that starts with IPython syntax is swapped for its Python."""

from __future__ import annotations

import tokenize

from app.core.convert.magics.line_magics import line_magic
from app.core.convert.magics.syntax import has_ipython_syntax, parse_line
from app.core.convert.magics.translation import CellTranslation, commented_out, import_lines


def magic_lines(code: str) -> set[int]:
    """0-based indexes of the lines this transformer reads as IPython syntax (for tests that
    compare it with IPython's own transformer)."""
    scanner = _LineScanner(code, CellTranslation(), frozenset())
    scanner.run()
    return scanner.found


class _LineScanner:
    """Feeds the cell to Python's tokenizer line by line and, at the start of each logical
    line, swaps a magic line for its Python; the tokenizer then sees the Python, so brackets,
    strings and indentation stay tracked exactly."""

    def __init__(self, code: str, out: CellTranslation, known: frozenset[str] | None) -> None:
        self.lines = code.split("\n")
        self.out = out
        self.known = known
        self.result: list[str] = []
        self.position = 0
        self.pending: list[str] = []
        self.depth = 0
        self.at_start = True
        self.found: set[int] = set()

    def readline(self) -> str:
        if self.pending:
            return self.pending.pop(0)
        if self.position >= len(self.lines):
            return ""
        index = self.position
        line = self.lines[index]
        self.position += 1
        if self.at_start and self.depth == 0:
            replaced = self.replace(index, line)
            if replaced is not None:
                self.result.extend(replaced)
                if not replaced:
                    return "\n"
                self.pending = [text + "\n" for text in replaced[1:]]
                return replaced[0] + "\n"
        self.result.append(line)
        return line + ("\n" if self.position < len(self.lines) else "")

    def replace(self, index: int, line: str) -> list[str] | None:
        """The lines replacing a magic starting at ``index`` (continuations consumed)."""
        text = line
        end = index
        while text.endswith("\\") and end + 1 < len(self.lines) and parse_line(line):
            end += 1
            text = text[:-1] + " " + self.lines[end].strip()
        parsed = parse_line(text)
        if parsed is None:
            return None
        self.position = end + 1
        self.found.update(range(index, end + 1))
        indent = line[: len(line) - len(line.lstrip())]
        rest = self.lines[end + 1 :]
        parsed.last = not indent and all(not r.strip() or r.lstrip().startswith("#") for r in rest)
        hoisted = set(self.out.imports)
        if parsed.escape == "%%":
            self.out.note(
                f"`{text.strip()}` is a cell magic but not on the cell's first line: commented out",
                "warning",
            )
            generated = commented_out(text.strip(), "cell magic not on the first line")
        else:
            generated = line_magic(parsed, self.out, self.known)
        if indent:
            # Inside a block (maybe a function called from another cell later): import here,
            # since the cell's private names are gone once it has run.
            fresh = [module for module in self.out.imports if module not in hoisted]
            for module in fresh:
                del self.out.imports[module]
            generated = [*import_lines(fresh), *generated]
            if not any(g.strip() and not g.lstrip().startswith("#") for g in generated):
                generated.append("pass")
        return [indent + g if g else g for g in generated]

    def run(self) -> str:
        try:
            for token in tokenize.generate_tokens(self.readline):
                if token.type == tokenize.OP:
                    if token.string in "([{":
                        self.depth += 1
                    elif token.string in ")]}":
                        self.depth = max(0, self.depth - 1)
                self.at_start = token.type in (
                    tokenize.NEWLINE,
                    tokenize.NL,
                    tokenize.INDENT,
                    tokenize.DEDENT,
                    tokenize.COMMENT,
                ) and (token.type != tokenize.COMMENT or self.at_start)
        except (tokenize.TokenError, SyntaxError):
            # The code does not tokenize (it will not run either): scan the rest line by line.
            self.result.extend(self.pending)
            while self.position < len(self.lines):
                index = self.position
                self.position += 1
                replaced = self.replace(index, self.lines[index])
                self.result.extend(replaced if replaced is not None else [self.lines[index]])
        return "\n".join(self.result)


def transform_lines(code: str, out: CellTranslation, known: frozenset[str] | None) -> str:
    """``code`` with every magic line (not a cell magic) replaced by its Python."""
    if not has_ipython_syntax(code):
        return code
    return _LineScanner(code, out, known).run()
