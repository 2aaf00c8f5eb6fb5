"""School finances: transfers, school boards, budgets, execution and transparency."""
