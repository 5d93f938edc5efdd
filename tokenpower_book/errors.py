"""Errors of the command line."""

__all__ = ["UsageError"]


class UsageError(Exception):
    """A bad command-line value; the message says which and lists valid ones (exit status 2)."""
