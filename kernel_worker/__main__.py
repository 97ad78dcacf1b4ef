"""``python -m kernel_worker``: start a kernel worker on stdin/stdout.

Kept to syntax every Python 3 parses, so an interpreter that is too old says so plainly
instead of failing with a syntax error deep inside the worker.
"""

import sys

if sys.version_info < (3, 11):  # noqa: UP036 - other interpreters run this file
    sys.stderr.write(
        "Cascade's kernel needs Python 3.11 or newer; %s is Python %d.%d\n"  # noqa: UP031
        % (sys.executable, sys.version_info[0], sys.version_info[1])
    )
    sys.exit(3)

from kernel_worker.main import main

sys.exit(main())
