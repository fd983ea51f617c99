"""Models of the community app (see README.md)."""
