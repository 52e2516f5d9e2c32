"""/api/v1/md: published pages as markdown."""
