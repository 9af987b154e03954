"""Demo network shipped with the service."""
