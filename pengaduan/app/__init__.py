"""The use cases: the only layer that combines the store, the core, the reports and notify."""
