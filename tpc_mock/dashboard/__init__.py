"""Server-rendered HTML pages: sign-in, device approval, API-key settings."""
