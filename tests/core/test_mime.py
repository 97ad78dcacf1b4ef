"""The app's names for Cascade's own MIME types are the worker's."""

from __future__ import annotations

from app.core import mime
from kernel_worker import protocol


def test_the_app_and_the_worker_name_the_same_types() -> None:
    assert mime.TABLE_MIME == protocol.TABLE_MIME
    assert mime.IMAGE_SIZE_MIME == protocol.IMAGE_SIZE_MIME
    assert mime.CONTROL_MIME == protocol.CONTROL_MIME
    assert mime.BINARY_MIME_TYPES == protocol.BINARY_MIME_TYPES
    assert mime.TABLE_MIME.startswith(mime.CASCADE_MIME_PREFIX)
