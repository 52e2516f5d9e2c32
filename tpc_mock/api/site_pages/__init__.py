"""/api/v1/site/pages: a product's pages, listed and batch-edited."""
