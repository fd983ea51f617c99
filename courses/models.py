"""Models of the courses app (see README.md)."""
