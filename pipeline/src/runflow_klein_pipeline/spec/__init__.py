"""fetch → compose → regenerate: from the published OpenAPI document to the generated client."""
