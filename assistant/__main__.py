"""``python -m assistant`` is the ``k8s-assistant`` command."""

from .cli import main

raise SystemExit(main())
