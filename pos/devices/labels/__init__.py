"""Shelf and barcode labels: A4 sheet layouts and the bar patterns (drawn by pos.ui)."""
