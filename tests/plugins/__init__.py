"""pytest plugins of the suite, registered by the root ``conftest.py``."""
