"""Contract suite: recorded interactions vs the spec, the generated client and the checker."""
