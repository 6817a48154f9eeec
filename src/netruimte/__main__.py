"""Allow `python -m netruimte`."""

from netruimte.cli import main

main()
