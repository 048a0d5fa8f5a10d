"""The product's job runner: periodic jobs run exactly once per due time across processes and hosts, and leases
that tell a sweeper which files belong to work still in progress (jobs/runner.py, jobs/lease.py, jobs/clock.py)."""
