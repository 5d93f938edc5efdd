"""Cables, Coins, Tokens: the models and data behind the book.

The package is layered; each layer imports only the layers above it in this list:

- :mod:`tokenpower.data`: the data package (loading and validation, bibliography, data docs);
- :mod:`tokenpower.charts`: the book's chart style, offline renderer and shared figure builders;
- :mod:`tokenpower.models`: geography, the telegraph, cable networks, Bitcoin mining, the token
  cost model and the request-flow network;
- :mod:`tokenpower.engine`: the scenario engine (demand, choice, capacity, outcomes);
- :mod:`tokenpower.policies`: chip bans, data sovereignty and the explorable dials;
- :mod:`tokenpower.synthesis`: the parallels between the three exports and the claims ledger;
- :mod:`tokenpower.pages`: what the chapters call to put values on the page.

The build, the command line (``python -m tokenpower``), the benchmarks and the Sphinx
extensions live in the separate package :mod:`tokenpower_book`, which nothing here imports.
"""

__version__ = "0.1.0"
