"""Internal routes the dashboard and `tpc auth whoami` use (not in TPC's public document)."""
