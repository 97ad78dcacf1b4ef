"""``python -m kernel_worker``: start a kernel worker on stdin/stdout."""

from __future__ import annotations

import sys

from kernel_worker.main import main

sys.exit(main())
