"""Importers: other tools' data exports turned into evidence files."""
