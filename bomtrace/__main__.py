"""``python -m bomtrace`` runs the command line."""

from bomtrace.cli import main

if __name__ == "__main__":
    main()
