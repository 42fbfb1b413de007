"""Registered customers: searched at checkout by clerks, managed by managers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, or_, select

from pos.errors import ErrorCode, PosError
from pos.models import Customer, utcnow
from pos.services.people.auth import require_active_manager
from pos.services.plumbing import bounds, validation
from pos.services.plumbing.uow import Tx, UnitOfWork, records_failures
from pos.views import Actor, CustomerView


def _customer_id(value: Any) -> int:
    return bounds.record_id(value, "customer_id", label="Customer number")


def _view(c: Customer) -> CustomerView:
    return CustomerView(c.id, c.name, c.phone, c.email, c.active)


def _fields(name: Any, phone: Any, email: Any) -> dict[str, str]:
    mail = validation.text(email, "E-mail", max_length=200, required=False)
    if mail and ("@" not in mail or mail.startswith("@") or mail.endswith("@")):
        raise PosError(
            ErrorCode.VALIDATION_ERROR, "That e-mail address looks wrong.", {"field": "email"}
        )
    return {
        "name": validation.text(name, "Customer name", max_length=200),
        "phone": validation.text(phone, "Phone", max_length=40, required=False),
        "email": mail,
    }


@records_failures("customers")
class CustomerService:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def add(self, actor: Actor, name: str, phone: str = "", email: str = "") -> CustomerView:
        fields = _fields(name, phone, email)

        def work(tx: Tx) -> CustomerView:
            require_active_manager(tx, actor)
            cid = tx.session.execute(
                insert(Customer)
                .values(active=True, created_at=utcnow(), **fields)
                .returning(Customer.id)
            ).scalar_one()
            return CustomerView(cid, fields["name"], fields["phone"], fields["email"], True)

        return self._uow.run(work, operation="customers.add", actor=actor)

    def update(self, actor: Actor, customer_id: int, **changes: Any) -> CustomerView:
        customer_id = _customer_id(customer_id)

        def work(tx: Tx) -> CustomerView:
            require_active_manager(tx, actor)
            customer = tx.session.get(Customer, customer_id)
            if customer is None:
                raise PosError(
                    ErrorCode.INVALID_CUSTOMER, "Customer not found.", {"customer_id": customer_id}
                )
            merged = _fields(
                changes.get("name", customer.name),
                changes.get("phone", customer.phone),
                changes.get("email", customer.email),
            )
            for key, value in merged.items():
                setattr(customer, key, value)
            if "active" in changes:
                customer.active = bool(changes["active"])
            tx.session.flush()
            return _view(customer)

        return self._uow.run(work, operation="customers.update", actor=actor)

    def get(self, actor: Actor, customer_id: int) -> CustomerView:
        validation.require_actor(actor)
        customer_id = _customer_id(customer_id)

        def work(tx: Tx) -> CustomerView:
            customer = tx.session.get(Customer, customer_id)
            if customer is None:
                raise PosError(
                    ErrorCode.INVALID_CUSTOMER, "Customer not found.", {"customer_id": customer_id}
                )
            return _view(customer)

        return self._uow.run(work, operation="customers.get", actor=actor, write=False)

    def search(
        self, actor: Actor, text: str = "", *, include_inactive: bool = False, limit: int = 50
    ) -> list[CustomerView]:
        """By name, phone or e-mail (substring, case-insensitive)."""
        validation.require_actor(actor)
        limit = bounds.row_limit(limit)
        wanted = validation.text(text, "search text", max_length=200, required=False)
        pattern = f"%{wanted.lower()}%"

        def work(tx: Tx) -> list[CustomerView]:
            stmt = select(Customer).where(
                or_(
                    func.lower(Customer.name).like(pattern),
                    Customer.phone.like(pattern),
                    func.lower(Customer.email).like(pattern),
                )
            )
            if not include_inactive:
                stmt = stmt.where(Customer.active.is_(True))
            rows = tx.session.execute(stmt.order_by(Customer.name).limit(limit)).scalars()
            return [_view(c) for c in rows]

        return self._uow.run(work, operation="customers.search", actor=actor, write=False)
