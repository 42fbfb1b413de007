"""The customer-facing display: which monitor it uses (the window is pos.ui.customer_display)."""
