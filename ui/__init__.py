"""Everything Qt: windows, table models, widgets built from forms/, dialogs, background tasks."""
