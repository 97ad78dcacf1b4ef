"""Output types and how each target (window, HTML export, terminal, JSON, Jupyter) shows them."""
