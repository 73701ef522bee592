"""ipsdg engine: a library (no I/O at import, no globals); the CLI and web app call it."""

__version__ = "0.1.0"
