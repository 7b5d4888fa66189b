"""Recorded interactions (VCR cassettes): check them against the composed spec, seed them from the docs."""
