"""Fleetwatch: follows containers for a logistics team."""
