"""The school budget process: prepared by the treasurer, submitted by the director, reviewed
by the department (viewflow, through ``core.workflow``)."""
