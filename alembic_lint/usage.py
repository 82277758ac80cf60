"""The one error a front-end stops on: bad input from the user (exit code 2)."""


class UsageError(Exception):
    """Bad input from the user: one line, exit code 2."""
