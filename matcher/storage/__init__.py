"""All SQL lives here: queries with $n parameters, rows turned into records at the border."""
