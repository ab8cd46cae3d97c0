"""``python -m kit.present.spare_kernel -f FILE``: an IPython kernel that imports the kit first.

The command :func:`kit.present.spares.start_spares` runs. It is a module of its own,
which the package does not import, so that ``python -m`` runs it exactly once.
"""

from __future__ import annotations

import importlib

from kit.present.spares import WARM_MODULES


def main() -> None:
    """Set up an IPython kernel, import :data:`~kit.present.spares.WARM_MODULES`, serve.

    The imports come after the kernel is set up (its ports bound, its shell made) and
    before it answers: ipywidgets registers its comm targets on import only when it
    finds a running IPython, and the kernel's ports are taken before anything slow.
    """
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize()
    for module in WARM_MODULES:
        importlib.import_module(module)
    app.start()


if __name__ == "__main__":
    main()
