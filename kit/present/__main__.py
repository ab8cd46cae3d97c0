"""``python -m kit.present ...``: the same as ``kit present``."""

from kit.commands.present import main

raise SystemExit(main())
