"""/api/v1/analytics: share of voice and the SDK's server-side events."""
