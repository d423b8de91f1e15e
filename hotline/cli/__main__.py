"""`python -m hotline.cli`: the same as the installed `hotline` command."""

from hotline.cli import main

main()
