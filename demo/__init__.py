"""Demo City (示范市): synthetic data for demos, tests and benchmarks."""
