"""Tests of the spec pipeline: fetch → lock → compose → regenerate, and the contracts' provenance."""
