"""Callers: API keys, bearer tokens, session cookies, and the rules that bind them."""
