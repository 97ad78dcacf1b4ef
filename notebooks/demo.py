# /// script
# requires-python = ">=3.11"
#
# [tool.cascade]
# format = 1
# name = "Cascade demo"
# ///

# %% [markdown] id="5e1d0c7a"
# # Cascade demo
# This notebook is **reactive**: Cascade knows which cells read which variables, so when you
# change a cell, every cell that depends on it runs again, in dependency order, not page order.
#
# Try it: change `n = 12` below to another number. `squares`, `total`, the printed line and the
# square root all update; `import math` does not run again, because it does not read `n`.

# %% id="a3f09b21"
import math

# %% id="0c6e4d92"
n = 12

# %% id="7b2f8e15"
squares = [i * i for i in range(n)]

# %% id="e41a6c3d"
total = sum(squares)

# %% id="9d07b5f8"
print(f"sum of {n} squares: {total}")

# %% id="c58e2a60"
# The value of a cell's last expression is shown below it.
math.sqrt(total)

# %% [markdown] id="d4a1b2c3"
# ## SQL cells
# A SQL cell reads Python variables through `{name}` placeholders (bound as parameters, never pasted into the SQL) and binds its result, a pandas DataFrame, to the name in its header. With no database set, it uses an SQLite file beside the notebook.

# %% [sql] id="e5f6a7b8" name="summary"
# SELECT {n} AS n, {total} AS total, {total} * 1.0 / {n} AS mean_square

# %% id="f9a0b1c2"
print(f"mean square: {summary.mean_square[0]:.2f}")

# %% [markdown] id="6a7b8c9d"
# ## Controls
# `import cascade as cs` gives native controls whose value is a variable. Move the slider or
# pick another shape: the plot and the SQL query below run again (they read `freq` and `shape`);
# the cell that made the controls does not. `cascade run demo.py --set freq=5 --set shape=cosine`
# does the same without a window.

# %% id="7b8c9d0e"
import cascade as cs

freq = cs.slider(1, 10, value=3, label="frequency")
shape = cs.dropdown({"sine": "sin", "cosine": "cos"}, label="shape")
display(freq, shape)

# %% id="8c9d0e1f"
import matplotlib.pyplot as plt

xs = [i / 50 for i in range(315)]
fig, ax = plt.subplots(figsize=(6, 2.4))
ax.plot(xs, [getattr(math, shape.value)(freq.value * x) for x in xs])
ax.set_title(f"{shape.value}({freq.value}·x)")
fig

# %% [sql] id="9d0e1f2a" name="wave"
# SELECT {shape} AS shape, {freq} AS frequency, {n} * {freq} AS n_times_frequency
