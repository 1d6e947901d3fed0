"""SQLite storage through sqlite-utils: schema, migrations, reads and writes. No Qt."""

from storage.db import DatabaseError, DatabaseTooNew, default_db_path, open_database
from storage.store import Store

__all__ = ["DatabaseError", "DatabaseTooNew", "Store", "default_db_path", "open_database"]
