"""Reports as plain data and as files (CSV, XLSX): no database, no HTTP."""
