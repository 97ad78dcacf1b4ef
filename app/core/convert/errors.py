"""The one error of converting another tool's notebook, in a module of its own: whoever only
catches it (``cascade run`` reading a path) need not load the conversion report's types."""

from __future__ import annotations


class ConversionError(ValueError):
    """The input cannot be converted at all (not a notebook, not Python); the message says why."""
