"""Offline evaluation of matching against a labelled dataset: loading and metrics."""
