"""The titles process: a school asks for its graduates' titles, the department verifies, the
director signs, an authenticating officer countersigns, the titles are generated and travel to
the graduates (docs/domain.md, "Titles")."""
