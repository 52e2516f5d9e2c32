"""Seed generators of individual features, each on its own random stream."""
