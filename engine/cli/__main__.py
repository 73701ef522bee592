"""``python -m engine.cli`` runs the ``ipsdg`` command."""

from engine.cli import main

main()
