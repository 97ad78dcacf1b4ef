"""The three ways opening or saving a notebook file fails, each with a message for the user."""

from __future__ import annotations


class NotebookFormatError(ValueError):
    """The one error for text Cascade cannot read; ``line`` is 1-based, for the user to go to."""

    line: int
    message: str

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message

    def __reduce__(self) -> tuple[type[NotebookFormatError], tuple[int, str]]:
        # The default would call __init__ with the formatted text only.
        return type(self), (self.line, self.message)


class NotebookFileError(OSError):
    """A path that is not a readable notebook file (missing, a folder, a FIFO, too large …).

    An ``OSError``, so code that already reports ``OSError`` from opening keeps working; its
    text is the reason alone ("it is a named pipe (FIFO), not a notebook file"), for messages
    like ``cannot open PATH: REASON``.
    """

    path: str
    reason: str

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return self.reason

    def __reduce__(self) -> tuple[type[NotebookFileError], tuple[str, str]]:
        return type(self), (self.path, self.reason)


class NotebookSaveError(OSError):
    """A save that changed nothing: the file on disk is as it was, and no temporary file is left.

    ``reason`` says why in words ("the disk is full", "the file is read-only"); ``str()`` is
    ``cannot save PATH: REASON``. ``errno`` is the underlying error's number, when there is one.
    """

    path: str
    reason: str

    def __init__(self, path: str, reason: str, errno: int | None = None) -> None:
        super().__init__(f"cannot save {path}: {reason}")
        self.path = path
        self.reason = reason
        self.errno = errno

    def __reduce__(self) -> tuple[type[NotebookSaveError], tuple[str, str, int | None]]:
        return type(self), (self.path, self.reason, self.errno)
