"""HTTP layer: routers, schemas, auth dependencies, error handlers, the review page."""
