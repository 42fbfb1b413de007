"""Selling: the cart, checkout, orders and the one stock primitive."""
