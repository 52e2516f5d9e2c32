"""/api/v1/products/{productId}/knowledge: the operations (retrieve)."""

from __future__ import annotations

from flask import Blueprint

from ...auth.resolve import Caller
from ...runtime import Runtime
from ..registry import operation
from .model import retrieve
from .schemas import KnowledgeResult, RetrieveKnowledgeBody

bp = Blueprint("knowledge", __name__)
SCOPES = ("products:read",)


@operation(bp, "/api/v1/products/<productId>/knowledge/retrieve", "POST",
           "postProductsProductIdKnowledgeRetrieve",
           "Retrieve product knowledge across documents and code", "Knowledge",
           scopes=SCOPES, body=RetrieveKnowledgeBody, response=KnowledgeResult)
def retrieve_product_knowledge(rt: Runtime, caller: Caller, args: RetrieveKnowledgeBody, *,
                               productId: str) -> KnowledgeResult:
    return retrieve(rt, caller, productId, args)
