"""`python -m deploy.smoke` (`make prod-smoke`): see deploy/smoke/run.py."""

import sys

from .run import main

sys.exit(main())
