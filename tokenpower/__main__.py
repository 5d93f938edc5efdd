"""``python -m tokenpower``: the book's command line (it lives in :mod:`tokenpower_book.cli`)."""

import sys

from tokenpower_book.cli import main

sys.exit(main())
