"""Spreadsheets members already keep, read and written: no database, no HTTP."""
