"""/api/v1/content: one page at a time, by id or path; search and count per organization."""
