"""Pure matching: features, scoring, diversity, explanations, capacity. No database, no HTTP."""
