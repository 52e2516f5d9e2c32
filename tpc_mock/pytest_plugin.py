"""pytest plugin: the `tpc_mock` fixtures (imports the app lazily)."""
