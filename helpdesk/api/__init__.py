"""The help desk REST API, one module per audience."""
