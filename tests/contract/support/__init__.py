"""Helpers shared by the contract tests (spec loading, client calls, strategies, coverage)."""
