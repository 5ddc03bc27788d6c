"""Reports of SOP steps 12-15: pure figures from cases, Jinja2 HTML, weasyprint PDF.

figures.py, daily.py and monthly.py compute numbers from cases (no I/O); fmt.py and privacy.py
turn them into Indonesian text without personal data; render.py and pdf.py make the documents;
record.py is the monthly report's life (draf -> diparaf -> final); publish.py writes and commits.
"""
