"""`python -m matcher.cli`."""

from matcher.cli import main

main()
