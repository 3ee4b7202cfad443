"""Experiments: specs, designs, execution into a crash-safe store, and analysis."""
