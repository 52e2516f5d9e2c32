"""/api/v1/conversation-queries: the conversation queries behind prompts and views."""
