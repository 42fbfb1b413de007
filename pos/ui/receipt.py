"""The printed receipt: a QTextDocument built from an OrderView, then printed,
previewed or saved as PDF. Every user string is escaped (names, clerk, store)."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF, QStandardPaths
from PySide6.QtGui import (
    QFont,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QWidget

from pos.money import format_money
from pos.ui.plural import count_of
from pos.views import OrderView

RECEIPT_WIDTH_MM = 80.0
MM_PER_POINT = 25.4 / 72
MARGIN_MM = 4.0


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def receipt_html(order: OrderView) -> str:
    e = html.escape

    def money(amount: object) -> str:
        return e(format_money(amount, order.currency))  # type: ignore[arg-type]

    rows = []
    for line in order.lines:
        rows.append(
            f"<tr><td colspan='3'>{e(line.name)}</td></tr>"
            f"<tr><td class='muted'>{line.quantity} \u00d7 {money(line.unit_price)}"
            f" <span class='muted'>{e(line.sku)}</span></td><td></td>"
            f"<td align='right'>{money(line.line_total)}</td></tr>"
        )
    totals = [("Subtotal", order.subtotal), ("Tax", order.tax)]
    if order.delivery:
        totals.append(("Shipping", order.shipping))
    total_rows = "".join(
        f"<tr><td>{label}</td><td></td><td align='right'>{money(value)}</td></tr>"
        for label, value in totals
    )
    tenders = "".join(
        f"<tr><td>{e(p.method.capitalize())}</td><td></td>"
        f"<td align='right'>{money(p.amount)}</td></tr>"
        for p in order.payments
    )
    customer = (
        f"<tr><td>Customer</td><td align='right'>{e(order.customer_name)}</td></tr>"
        if order.customer_name
        else ""
    )
    delivery = "Delivery" if order.delivery else "Carry-out"
    items = count_of(order.item_count, "item")
    return f"""
<html><head><style>
body {{ font-family: 'DejaVu Sans'; font-size: 8pt; }}
h1 {{ font-size: 12pt; text-align: center; margin: 0; }}
.muted {{ color: #555555; }}
.total td {{ font-size: 11pt; font-weight: bold; border-top: 1px solid black; }}
table {{ width: 100%; }}
</style></head><body>
<h1>{e(order.store_name or "Receipt")}</h1>
<p align='center' class='muted'>Thank you for shopping with us</p>
<p align='center'>Order <b>{e(order.order_number)}</b></p>
<table width='100%' cellspacing='0' cellpadding='1'>
<tr><td>Date</td><td align='right'>{e(local_time(order.created_at))}</td></tr>
<tr><td>Counter</td><td align='right'>{e(order.counter_code)}</td></tr>
<tr><td>Clerk</td><td align='right'>{e(order.clerk)}</td></tr>
{customer}
<tr><td>Sale</td><td align='right'>{delivery}</td></tr>
</table>
<hr>
<table width='100%' cellspacing='0' cellpadding='1'>{"".join(rows)}</table>
<hr>
<table width='100%' cellspacing='0' cellpadding='1'>
{total_rows}
<tr class='total'><td>TOTAL</td><td></td><td align='right'>{money(order.total)}</td></tr>
</table>
<hr>
<table width='100%' cellspacing='0' cellpadding='1'>
{tenders}
<tr><td>Tendered</td><td></td><td align='right'>{money(order.tendered)}</td></tr>
<tr><td><b>Change</b></td><td></td><td align='right'><b>{money(order.change_due)}</b></td></tr>
</table>
<p align='center' class='muted'>{items} \u00b7 keep this receipt for returns</p>
</body></html>"""


def receipt_document(order: OrderView) -> QTextDocument:
    document = QTextDocument()
    document.setDefaultFont(QFont("DejaVu Sans", 8))
    document.setDocumentMargin(4)
    document.setHtml(receipt_html(order))
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, order.order_number)
    return document


def _receipt_page(order: OrderView) -> QPageSize:
    """A page as long as the receipt, measured at the roll's printable width."""
    document = receipt_document(order)
    width_pt = (RECEIPT_WIDTH_MM - 2 * MARGIN_MM) / MM_PER_POINT
    document.setPageSize(QSizeF(width_pt, 1_000_000))
    height_mm = document.size().height() * MM_PER_POINT + 2 * MARGIN_MM + 6
    return QPageSize(QSizeF(RECEIPT_WIDTH_MM, max(height_mm, 60)), QPageSize.Unit.Millimeter)


def render(order: OrderView, device: QPagedPaintDevice) -> None:
    """Lay the receipt out on the device's printable area (else Qt adds 2 cm margins)."""
    document = receipt_document(order)
    document.setPageSize(device.pageLayout().paintRectPoints().size().toSizeF())
    document.print_(device)


# The folder the clerk last saved a receipt to in this session (None: not yet).
_last_pdf_folder: Path | None = None


def documents_folder() -> Path:
    """The user's documents folder (XDG, Windows, macOS alike), else their home: never
    the program's working directory, which a clerk cannot find again."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(location) if location else Path.home()
    return folder if folder.is_dir() else Path.home()


def default_pdf_path(order: OrderView) -> Path:
    folder = _last_pdf_folder if _last_pdf_folder and _last_pdf_folder.is_dir() else None
    return (folder or documents_folder()) / f"receipt-{order.order_number}.pdf"


def remember_pdf_folder(folder: Path) -> None:
    global _last_pdf_folder
    _last_pdf_folder = folder


def save_pdf(order: OrderView, path: str | Path) -> Path:
    """A receipt-roll sized PDF (80 mm wide, as long as the receipt)."""
    target = Path(path)
    writer = QPdfWriter(str(target))
    writer.setTitle(f"Receipt {order.order_number}")
    writer.setCreator("pos")
    writer.setPageSize(_receipt_page(order))
    writer.setPageMargins(QMarginsF(*[MARGIN_MM] * 4), QPageLayout.Unit.Millimeter)
    render(order, writer)
    del writer  # the file is finished when the writer goes away
    return target


def _printer(order: OrderView) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(f"Receipt {order.order_number}")
    printer.setPageSize(_receipt_page(order))
    printer.setPageMargins(QMarginsF(*[MARGIN_MM] * 4), QPageLayout.Unit.Millimeter)
    return printer


def print_receipt(order: OrderView, parent: QWidget | None = None) -> bool:
    """System print dialog (a printer, or 'Print to file' for a PDF)."""
    printer = _printer(order)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print receipt")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    render(order, printer)
    return True


def preview_dialog(order: OrderView, parent: QWidget | None = None) -> QPrintPreviewDialog:
    printer = _printer(order)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.printer_ref = printer  # type: ignore[attr-defined]  # the dialog does not own it
    dialog.setWindowTitle(f"Receipt {order.order_number}")
    dialog.paintRequested.connect(lambda p: render(order, p))
    return dialog
