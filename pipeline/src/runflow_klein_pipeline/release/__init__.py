"""Releases of the generated client: its version and changelog (decided by what a regeneration
changed) and what the nightly job does with a fetched document (``pull_request``)."""
