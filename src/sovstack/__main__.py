"""`python -m sovstack`: the same command line as the `sovstack` script."""

from sovstack.cli import main

if __name__ == "__main__":
    main()
