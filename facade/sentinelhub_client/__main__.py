"""``python -m sentinelhub_client``: the same as the ``shc`` command."""

import sys

from sentinelhub_client.cli import main

sys.exit(main())
