"""The `gridbee` command: Django's management commands under one name, with dashes allowed
(`gridbee import-grids FILE` runs the import_grids command)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridbee.settings")
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gridbee", *args])


if __name__ == "__main__":
    main()
