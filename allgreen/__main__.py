"""``python -m allgreen``: the same as the ``allgreen`` command."""

import sys

from allgreen.cli import main

sys.exit(main())
