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
