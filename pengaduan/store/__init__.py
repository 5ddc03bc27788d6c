"""The git-backed store: layout, YAML files, IDs, lock, transactions and the read cache."""
