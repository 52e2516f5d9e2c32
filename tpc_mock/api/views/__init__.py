"""/api/v1/views: named sets of a brand's conversation queries."""
