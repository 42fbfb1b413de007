"""People: sign-in, passwords, customers."""
