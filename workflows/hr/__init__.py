"""Human-resources trámites of the teaching staff: leave requests (licencias) and corrections of
a teacher's record (docs/architecture.md §7, docs/domain.md §11)."""
