"""/api/v1/apps: apps, their config, the products attached to them and their hostnames."""

# What every apps operation declares; routing.views serves an app's routes and llms.txt too.
TAG = "Apps & Publishing"
READ = ("content:read",)
WRITE = ("content:write",)
APP = "/api/v1/apps/<appId>"
