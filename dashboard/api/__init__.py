"""dashboard/api package."""
