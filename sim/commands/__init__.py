"""One module per ``sim`` subcommand, each with ``register(subparsers)`` that sets ``func``."""
