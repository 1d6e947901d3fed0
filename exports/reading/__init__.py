"""Reading colleagues' files: this app's exports and the official templates filled by hand.

``read_file`` is the entry point; :mod:`exports.reading.workbook` opens a file of
any supported kind, :mod:`~exports.reading.tables` reads the needs table,
:mod:`~exports.reading.cases` the case form, :mod:`~exports.reading.labels` knows
the labels people write. What they produce (:mod:`forms.incoming`) flows into
the merge in :mod:`storage.merge`.
"""

from exports.reading.errors import ReadError
from exports.reading.reader import read_file
from forms.incoming import HeaderInfo, IncomingRow, ReadResult

__all__ = ["HeaderInfo", "IncomingRow", "ReadError", "ReadResult", "read_file"]
