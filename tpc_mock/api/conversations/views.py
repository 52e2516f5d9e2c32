"""/api/v1/conversation-queries: the operations (list)."""

from __future__ import annotations

from flask import Blueprint

from ...auth.resolve import Caller
from ...runtime import Runtime
from ..registry import SECURITY_NO_API_KEY, operation
from .model import list_conversation_queries
from .schemas import ConversationQueries, ConversationQueriesQuery

bp = Blueprint("conversations", __name__)


@operation(bp, "/api/v1/conversation-queries", "GET", "getConversationQueries",
           "List conversation queries", "Conversation Queries", scopes=("prompts:read",),
           security=SECURITY_NO_API_KEY, query=ConversationQueriesQuery,
           response=ConversationQueries)
def get_conversation_queries(rt: Runtime, caller: Caller,
                             args: ConversationQueriesQuery) -> ConversationQueries:
    return list_conversation_queries(rt, caller, args)
