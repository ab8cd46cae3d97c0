"""The subcommands of ``kit``: one light module each.

A command module has ``HELP`` (one line), ``add_arguments(parser)`` and
``run(args) -> int``. It imports only the standard library and the kit's light
modules at the top; whatever is slow to import (Voilà, papermill, NumPy, pydantic)
is imported inside ``run``, so ``kit --help`` and a mistake on the command line
answer at once, and ``kit present`` starts its spare kernels before Voilà loads.

Exit codes, the same for every command: 0 when the job was done, 1 when it failed
(nothing changed), 2 for a user mistake (one line on stderr, no traceback), 130 for
Ctrl-C.
"""

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
