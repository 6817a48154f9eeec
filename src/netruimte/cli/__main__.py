"""Allow `python -m netruimte.cli`."""

from netruimte.cli import main

main()
