"""Cables, Coins, Tokens: the models and data behind the book.

Modules follow the flow of the book: :mod:`tokenpower.data` loads and
validates the data package, the model modules compute, :mod:`tokenpower.charts`
draws, and :mod:`tokenpower.cli` is the command line (``python -m tokenpower``).
"""

__version__ = "0.1.0"
