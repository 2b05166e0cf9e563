"""Benchmarks: speed, memory and accuracy against baselines (`python -m benchmarks.run`)."""
