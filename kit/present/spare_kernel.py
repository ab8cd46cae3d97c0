"""``python -m kit.present.spare_kernel -f FILE``: an IPython kernel that imports the kit first.

The command :func:`kit.present.spares.start_spares` runs. It is a module of its own,
which the package does not import, so that ``python -m`` runs it exactly once.
"""

from __future__ import annotations


def main() -> None:
    """Set up an IPython kernel, import the kit (:func:`warm_up`), serve.

    The imports come after the kernel is set up (its ports bound, its shell made) and
    before it answers: ipywidgets registers its comm targets on import only when it
    finds a running IPython, and the kernel's ports are taken before anything slow.
    """
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize()
    warm_up()
    app.start()


def warm_up() -> None:
    """Import what a story page needs: the live views and every story's Story class."""
    import kit.live.deck  # noqa: F401 - imported for its side: the modules are loaded
    import kit.live.panel  # noqa: F401
    from kit.stories import STORIES

    for entry in STORIES.values():
        entry.story  # noqa: B018 - loads the story package (NumPy, pandas, Altair)


if __name__ == "__main__":
    main()
