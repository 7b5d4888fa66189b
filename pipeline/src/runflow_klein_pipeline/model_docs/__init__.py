"""Docs drift: the klein models' inputs and outputs are typed from their documentation pages, so those
pages are checked against the contracts the way the published spec is checked against its snapshot.

``declaration`` is the one shape every source is read into; ``llms_page``, ``docs_page`` and ``catalog``
read the three sources; ``pages`` finds, fetches and recognises a page; ``compare`` judges a page against
a contract; ``cli`` and ``draft`` are the entry points behind ``scripts/docs_drift.py`` and
``scripts/contract_from_docs.py``.
"""
