"""Tests of scripts/drift.py: spec-vs-spec rules, $ref propagation, report formats, client surface."""
