"""The development pipeline of runflow-klein; data flows one way.

``spec`` fetches, composes and regenerates; ``recordings`` checks and seeds the cassettes;
``drift`` compares specs and client surfaces; ``nightly`` runs them all against the published
document; ``bench`` measures the runtime against the emulator. ``layout`` is the one module that
knows where things live in the checkout; ``scripts/*.py`` are the entry points.
"""
