"""`python -m scorecard` runs the command line, as the `scorecard` script does."""

import sys

from .cli import main

sys.exit(main())
