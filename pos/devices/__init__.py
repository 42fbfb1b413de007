"""Devices attached to a counter: scanner input today (printers, drawer and customer
display later). Nothing here touches the database; devices hand plain values to the UI."""
