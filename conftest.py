"""Registers the suite's pytest plugins; fixtures live beside the tests that use them.

The live contract suite's plugin is registered here (not in its folder) so its ``--live-*`` options
exist whichever test paths are given; it is inert without ``RUNFLOW_API_KEY``.
"""

pytest_plugins = [
    "tests.plugins.hypothesis_profiles",
    "tests.plugins.node_tools",
    "tests.contract.live.plugin",
]
