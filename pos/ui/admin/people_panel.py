"""People tab: the users who sign in (clerks, managers) and the registered customers."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout

from pos.ui.admin.list_model import Column, ListTableModel
from pos.ui.admin.panel import AdminPanel
from pos.ui.admin.widgets import fit_columns, table_view
from pos.views import CustomerView, UserView


class PeoplePanel(AdminPanel):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setWindowTitle("People")
        self.users: ListTableModel[UserView] = ListTableModel(
            [
                Column("User", lambda u: u.username),
                Column("Role", lambda u: u.role),
                Column(
                    "Active",
                    # Carried over from before per-user PostgreSQL roles: signs in only
                    # after a manager's "Reset password…".
                    lambda u: (
                        "needs a new password"
                        if u.must_set_password
                        else ("yes" if u.active else "no")
                    ),
                ),
                # After failed sign-ins a name waits (lockout.py); a new password ends it.
                Column(
                    "Sign-in waits until",
                    lambda u: (
                        u.locked_until.astimezone().strftime("%H:%M:%S") if u.locked_until else ""
                    ),
                ),
            ],
            highlight=lambda u: not u.active or u.must_set_password,
        )
        self.user_table = table_view(self.users)
        fit_columns(self.user_table, 0)
        add_user = QPushButton("Add user…")
        toggle_user = QPushButton("Activate/deactivate")
        role = QPushButton("Switch role")
        reset = QPushButton("Reset password…")
        add_user.clicked.connect(self.add_user)
        toggle_user.clicked.connect(self.toggle_user)
        role.clicked.connect(self.switch_role)
        reset.clicked.connect(self.reset_password)
        ub = QHBoxLayout()
        for b in (add_user, toggle_user, role, reset):
            ub.addWidget(b)
        ub.addStretch(1)
        users_box = QGroupBox("Users")
        ul = QVBoxLayout(users_box)
        ul.addLayout(ub)
        ul.addWidget(self.user_table)

        self.customers: ListTableModel[CustomerView] = ListTableModel(
            [
                Column("Name", lambda c: c.name),
                Column("Phone", lambda c: c.phone),
                Column("E-mail", lambda c: c.email),
                Column("Active", lambda c: "yes" if c.active else "no"),
            ],
            highlight=lambda c: not c.active,
        )
        self.customer_table = table_view(self.customers)
        fit_columns(self.customer_table, 0)
        self.customer_search = QLineEdit()
        self.customer_search.setPlaceholderText("Search name, phone or e-mail")
        self.customer_search.returnPressed.connect(self.load_customers)
        add_c = QPushButton("Add customer…")
        edit_c = QPushButton("Edit…")
        toggle_c = QPushButton("Activate/deactivate")
        add_c.clicked.connect(self.add_customer)
        edit_c.clicked.connect(self.edit_customer)
        toggle_c.clicked.connect(self.toggle_customer)
        cb = QHBoxLayout()
        for b in (add_c, edit_c, toggle_c):
            cb.addWidget(b)
        cb.addStretch(1)
        customers_box = QGroupBox("Registered customers")
        cl = QVBoxLayout(customers_box)
        cl.addLayout(cb)
        cl.addWidget(self.customer_search)  # a row of its own: never squeezed by buttons
        cl.addWidget(self.customer_table)

        layout = QHBoxLayout(self)
        layout.addWidget(users_box, 2)
        layout.addWidget(customers_box, 3)

    def refresh(self) -> None:
        self.tasks.submit(
            lambda: self.store.auth.users(self.actor),
            self.users.set_items,
            self.show_error,
            key="users",
        )
        self.load_customers()

    def load_customers(self) -> None:
        text = self.customer_search.text()
        self.tasks.submit(
            lambda: self.store.customers.search(self.actor, text, include_inactive=True, limit=500),
            self.customers.set_items,
            self.show_error,
            key="customers",
        )

    def _selected(self, table: Any, model: Any) -> Any:
        rows = table.selectionModel().selectedRows()
        return model.item(rows[0].row()) if rows else None

    def add_user(self) -> None:
        name = self.dialogs.ask_text(self, "Add user", "User name:")
        if not name:
            return
        role = self.dialogs.ask_text(self, "Add user", "Role (clerk or manager):", "clerk")
        password = self.dialogs.ask_secret(
            self,
            "Add user",
            "Password (6+ characters, managers 8+; a clerk PIN of 4–5 digits where the store "
            "allows PINs):",
        )
        if role and password:
            self.write(
                lambda: self.store.auth.add_user(self.actor, name, password, role.strip()),
                self.refresh,
            )

    def toggle_user(self) -> None:
        user = self._selected(self.user_table, self.users)
        if user:
            self.write(
                lambda: self.store.auth.update_user(self.actor, user.id, active=not user.active),
                self.refresh,
            )

    def switch_role(self) -> None:
        user = self._selected(self.user_table, self.users)
        if user:
            new = "manager" if user.role == "clerk" else "clerk"
            self.write(
                lambda: self.store.auth.update_user(self.actor, user.id, role=new), self.refresh
            )

    def reset_password(self) -> None:
        user = self._selected(self.user_table, self.users)
        if not user:
            return
        password = self.dialogs.ask_secret(
            self, "Reset password", f"New password for {user.username}:"
        )
        if password:
            self.write(
                lambda: self.store.auth.update_user(self.actor, user.id, password=password),
                self.refresh,
            )

    def add_customer(self) -> None:
        name = self.dialogs.ask_text(self, "Add customer", "Name:")
        if not name:
            return
        phone = self.dialogs.ask_text(self, "Add customer", "Phone:") or ""
        email = self.dialogs.ask_text(self, "Add customer", "E-mail:") or ""
        self.write(
            lambda: self.store.customers.add(self.actor, name, phone, email), self.load_customers
        )

    def edit_customer(self) -> None:
        c = self._selected(self.customer_table, self.customers)
        if not c:
            return
        name = self.dialogs.ask_text(self, "Edit customer", "Name:", c.name)
        if name is None:
            return
        phone = self.dialogs.ask_text(self, "Edit customer", "Phone:", c.phone)
        email = self.dialogs.ask_text(self, "Edit customer", "E-mail:", c.email)
        self.write(
            lambda: self.store.customers.update(
                self.actor, c.id, name=name, phone=phone or "", email=email or ""
            ),
            self.load_customers,
        )

    def toggle_customer(self) -> None:
        c = self._selected(self.customer_table, self.customers)
        if c:
            self.write(
                lambda: self.store.customers.update(self.actor, c.id, active=not c.active),
                self.load_customers,
            )
