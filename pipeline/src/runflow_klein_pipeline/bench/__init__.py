"""Benchmarks of the runtime and the generated client against the emulator on loopback."""
