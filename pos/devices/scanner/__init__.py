"""Barcode scanner input: keyboard-wedge bursts told apart from typing, serial scanners,
their settings and the routing of each code to the sale."""
