"""The notebook column: one widget per cell and the view that keeps them in order."""
