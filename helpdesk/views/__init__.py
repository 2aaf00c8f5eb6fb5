"""HTML pages of the help desk, one module per audience."""
