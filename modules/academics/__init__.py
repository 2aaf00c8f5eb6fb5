"""The academic day: attendance, grades, conduct and the closing of a section's year."""
