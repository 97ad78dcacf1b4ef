"""The MIME types of outputs that are Cascade's own, named once for the app's side.

The worker names the same strings in :mod:`kernel_worker.protocol` (the core may not import
the worker); a test keeps the two equal.
"""

from __future__ import annotations

#: Every Cascade-specific MIME type starts so; other tools (Jupyter) ignore them.
CASCADE_MIME_PREFIX = "application/vnd.cascade."
#: A table that stays in the kernel (first rows plus what paging needs).
TABLE_MIME = "application/vnd.cascade.table+json"
#: The logical (1×) size of an image drawn at a higher resolution.
IMAGE_SIZE_MIME = "application/vnd.cascade.image-size+json"
#: A reactive control (slider, dropdown, …) drawn with a native widget (SEMANTICS.md §8).
CONTROL_MIME = "application/vnd.cascade.control+json"
#: Interactive plotly HTML for the optional web view: several MB of script.
PLOTLY_HTML_MIME = "application/vnd.plotly.v1+html"
#: Sent as base64 text.
BINARY_MIME_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})
