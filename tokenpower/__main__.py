"""``python -m tokenpower``: the book's command line."""

import sys

from tokenpower.cli import main

sys.exit(main())
