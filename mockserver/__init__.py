"""A deterministic mock of the Qubictron Container Tracking API."""

__version__ = "0.1.0"
