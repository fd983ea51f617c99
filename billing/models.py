"""Models of the billing app (see README.md)."""
