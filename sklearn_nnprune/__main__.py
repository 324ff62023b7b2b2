"""``python -m sklearn_nnprune``: the ``nnprune`` command."""

import sys

from ._cli import main

sys.exit(main())
