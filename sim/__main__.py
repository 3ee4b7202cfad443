"""``python -m sim`` is the ``sim`` command."""

import sys

from .cli import main

sys.exit(main())
