#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compassion.settings")
    from django.core.management import execute_from_command_line

    from compassion.startup import install_excepthook

    # A missing production setting or a DATABASE_URL that does not connect: one line, no traceback.
    install_excepthook()

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
