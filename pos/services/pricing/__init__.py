"""Pricing: totals, tax and shipping rules."""
