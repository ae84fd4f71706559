"""``python -m notam_log``."""

from notam_log.cli import main

main()
