"""/api/v1/apps: apps, their config, the products attached to them and their hostnames."""
