"""Shipped data: demo catalog, product images, icons (installed as pos.resources)."""
