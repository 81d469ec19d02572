"""Benchmarks: `make bench` runs each registered benchmark, prints its figures as ratios
against a baseline measured in the same run, and writes them all to bench-results.json."""
