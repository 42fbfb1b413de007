"""ESC/POS receipt printers (python-escpos) and the cash drawer behind them."""
