"""After the fact: the summary, the export (minutes and CSV), history and deletion."""
