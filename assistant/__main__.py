"""``python -m assistant`` is the ``k8s-assistant`` command."""

from .cli import run

if __name__ == "__main__":  # guarded: worker processes import this module again
    run()
