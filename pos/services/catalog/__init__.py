"""Catalog: products, search, field rules, CSV, bulk changes, stock receiving, reorder."""
