"""The offline test suite. A package, so ``tests/<area>/`` packages never shadow ``scripts/`` modules
(``tests/drift`` would otherwise be imported as ``drift`` and hide ``scripts/drift.py``)."""
