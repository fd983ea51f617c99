"""Models of the learning app (see README.md)."""
