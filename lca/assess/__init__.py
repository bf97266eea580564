"""One product against a specification: results as a Dataset, specifications, verdicts with reasons."""
