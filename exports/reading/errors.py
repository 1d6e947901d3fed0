"""The one exception readers raise."""

from __future__ import annotations


class ReadError(Exception):
    """A file that cannot be imported, explained in a Chinese sentence for the officer.

    The message always names the file, and the sheet, row and column where one applies.
    """
