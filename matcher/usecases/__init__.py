"""Use-cases: what the API, the CLI and the jobs call. They own authorization rules."""
