"""/api/v1/products/{productId}/knowledge: a product's pages, retrieved by query."""
