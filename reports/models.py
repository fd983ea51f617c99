"""Models of the reports app (see README.md)."""
