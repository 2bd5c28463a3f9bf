"""`python -m salesflow` runs the command line."""

from salesflow.cli.main import main

if __name__ == "__main__":
    main()
