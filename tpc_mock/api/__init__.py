"""The public API under /api/v1: one blueprint per resource."""
