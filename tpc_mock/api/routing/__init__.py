"""Routing: where a URL is served from (a web domain's routing config, an app's routes)."""
