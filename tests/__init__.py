"""The test suite, by kind: ``unit/`` mirrors the packages, ``contract/`` checks the API contract
(recordings, properties, the opt-in live suite), ``repository/`` checks the README, CI and workflows."""
