"""Hand-written runtime around the generated Runflow klein client."""

__version__ = "0.1.0"
