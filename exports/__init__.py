"""Files that leave or enter the app: Excel (openpyxl), PDF (reportlab), colleagues' files. No Qt."""
