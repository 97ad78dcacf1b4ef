"""IPython syntax in a Jupyter cell, turned into plain Python with the same visible effect.

IPython reads more than Python: ``%line`` and ``%%cell`` magics, ``!shell`` commands,
``x = !cmd``, ``obj?`` help. Cascade's kernel is plain Python (IPython is not required), so a
converted notebook must not contain them. This is a transformer of our own rather than
IPython's ``TransformerManager``: IPython's output calls ``get_ipython().run_line_magic(...)``,
which needs IPython at run time — exactly what a converted notebook must not need. It follows
IPython's rules for *where* such syntax is recognised (at the start of a logical line, also
inside indented blocks, never inside brackets or strings; a cell magic only on the first line);
the tests check it against ``TransformerManager`` on the same cells.

What each becomes (generated helper names start with ``_`` so they stay private to the cell):

* ``%matplotlib …``, ``%config InlineBackend…`` — removed (figures always show in Cascade).
* ``%time`` / ``%%time`` — the code, then ``CPU times: …`` / ``Wall time: …`` printed; the value
  of a final expression is still the cell's result. ``%timeit`` / ``%%timeit`` — a timing loop
  printing ``… per loop (mean ± std. dev. of 7 runs, N loops each)``.
* ``%%capture [--no-stdout] [--no-stderr] [name]`` — the body under
  ``contextlib.redirect_stdout``/``redirect_stderr``; ``name`` gets ``.stdout``, ``.stderr``,
  ``.show()``.
* ``!cmd``, ``%%bash``, ``%%sh``, ``%%script cmd``, ``%system``, ``%ls``-style aliases —
  ``subprocess.run`` with the output in the cell; ``{expr}`` and ``$name`` expand as in IPython
  (only when every one names something the notebook defines, else the text goes to the shell
  unchanged, as IPython does); ``x = !cmd`` and ``!!cmd`` give the output lines as a list.
* ``%pip install``, ``!pip install``, ``%conda install`` … — commented out, with a note: the
  user installs packages into the kernel's Python.
* ``%%writefile [-a] name`` / ``%%file`` — code that writes the file and prints what IPython
  prints. ``%cd``, ``%pwd``, ``%env`` — ``os`` calls.
* ``%%html``, ``%%svg``, ``%%latex`` — a displayed object with that representation;
  ``%%markdown`` — a markdown cell; ``%%sql`` — a SQL cell.
* ``obj?``, ``??obj``, ``%load_ext``, ``%autoreload`` and every other magic — commented out,
  with a note saying what it was.
"""

from __future__ import annotations
