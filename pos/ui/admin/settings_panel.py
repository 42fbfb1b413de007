"""Settings tab: the store-wide settings every counter uses, and this computer's connection."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from pos.limits import MAX_FAILURE_LOG_RETENTION_DAYS
from pos.ui.admin.panel import AdminPanel
from pos.ui.admin.widgets import plain_label
from pos.ui.admin.words import error_text


class SettingsPanel(AdminPanel):
    saved = Signal(object)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setWindowTitle("Store settings")
        self.store_name = QLineEdit()
        self.store_name.setMaxLength(120)
        self.tax = QLineEdit()
        self.tax.setPlaceholderText("8 for 8%")
        self.shipping = QLineEdit()
        self.free_over = QLineEdit()
        self.cash_confirm_over = QLineEdit()
        self.cash_confirm_over.setToolTip(
            "Counters ask the clerk to confirm cash tendered more than this above the total"
        )
        self.currency = QComboBox()
        self.currency.setEditable(True)
        self.currency.addItems(["USD", "EUR", "GBP", "JPY", "CHF", "CAD"])
        self.require_customer = QCheckBox("A registered customer is required at checkout")
        self.failure_log_days = QSpinBox()
        self.failure_log_days.setRange(1, MAX_FAILURE_LOG_RETENTION_DAYS)
        self.failure_log_days.setSuffix(" days")
        self.failure_log_days.setToolTip(
            "Refused and failed operations (the Reports tab's failure counts) are deleted "
            "after this many days"
        )
        self.allow_pins = QCheckBox("Clerks may sign in with a PIN (4–5 digits)")
        self.allow_pins.setToolTip(
            "Off: every password has at least 6 characters. On: clerks may use a short "
            "PIN instead, and every sign-in name waits after 2 failed tries (up to 15 "
            "minutes) instead of 3 (up to 5 minutes)."
        )
        self.status = plain_label("")
        save = QPushButton("Save")
        save.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow("Store name", self.store_name)
        form.addRow("Tax rate (%)", self.tax)
        form.addRow("Shipping fee", self.shipping)
        form.addRow("Free shipping over", self.free_over)
        form.addRow("Confirm cash over total by", self.cash_confirm_over)
        form.addRow("Currency", self.currency)
        form.addRow("", self.require_customer)
        form.addRow("Keep the failure log", self.failure_log_days)
        form.addRow("", self.allow_pins)
        box = QGroupBox("Store settings (apply to every counter)")
        box.setMaximumWidth(560)
        bl = QVBoxLayout(box)
        bl.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(save)
        bl.addLayout(row)
        connection = QGroupBox("This counter only")
        connection.setMaximumWidth(560)
        cl = QHBoxLayout(connection)
        hint = plain_label("Database server and counter code of this computer.")
        hint.setWordWrap(True)
        cl.addWidget(hint, 1)
        self.connection_button = QPushButton("Database connection\u2026")
        self.connection_button.clicked.connect(self.edit_connection)
        cl.addWidget(self.connection_button)
        layout = QVBoxLayout(self)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(connection, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def edit_connection(self) -> None:
        from pos.ui.connection_dialog import ConnectionDialog

        dialog = ConnectionDialog(self)
        if self.dialogs.exec(dialog) and dialog.saved_to is not None:
            self.dialogs.info(
                self,
                "Connection saved",
                f"Saved to {dialog.saved_to}. It applies the next time pos starts.",
            )

    def refresh(self) -> None:
        self.call(lambda: self.store.settings.get(self.actor), self._fill)

    def _fill(self, s: Any) -> None:
        self.store_name.setText(s.store_name)
        self.tax.setText(f"{(s.tax_rate * 100).normalize():f}")
        self.shipping.setText(f"{s.shipping_fee:.2f}")
        self.free_over.setText(f"{s.free_shipping_threshold:.2f}")
        self.cash_confirm_over.setText(f"{s.cash_confirm_over_total:.2f}")
        self.currency.setCurrentText(s.currency)
        self.require_customer.setChecked(s.require_customer)
        self.failure_log_days.setValue(s.failure_log_retention_days)
        self.allow_pins.setChecked(s.allow_pins)

    def save(self) -> None:
        try:
            rate = Decimal(self.tax.text().strip() or "x") / 100
        except ArithmeticError:
            self.status.setText("Tax rate must be a number such as 8 or 7.25.")
            return
        values = dict(
            store_name=self.store_name.text(),
            tax_rate=rate,
            shipping_fee=self.shipping.text().strip(),
            free_shipping_threshold=self.free_over.text().strip(),
            cash_confirm_over_total=self.cash_confirm_over.text().strip(),
            currency=self.currency.currentText(),
            require_customer=self.require_customer.isChecked(),
            failure_log_retention_days=self.failure_log_days.value(),
            allow_pins=self.allow_pins.isChecked(),
        )
        self.status.setText("Saving…")
        self.tasks.write(
            lambda: self.store.settings.update(self.actor, **values),
            self._saved,
            lambda err: self.status.setText(error_text(err)),
        )

    def _saved(self, view: Any) -> None:
        self._fill(view)
        self.status.setText("Saved: every counter uses these now.")
        self.saved.emit(view)
