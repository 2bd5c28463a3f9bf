"""The product catalogue: add, list and edit products and bundles."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from salesflow.clock import now_utc
from salesflow.errors import InvalidInput, NotFound
from salesflow.models import BundleItem, Product
from salesflow.parsing.money import to_minor

if TYPE_CHECKING:
    from sqlmodel import Session

RECURRING = ("month", "year")


@dataclass(frozen=True)
class ProductView:
    """A product as shown by `product list`."""

    id: int
    sku: str
    name: str
    price_minor: int
    currency: str
    unit: str
    recurring: str | None
    active: bool
    bundle: list[tuple[str, int]]


def _check_recurring(recurring: str | None) -> str | None:
    if recurring is None:
        return None
    value = recurring.strip().lower().removesuffix("ly")
    value = {"monthly": "month", "month": "month", "year": "year", "annual": "year"}.get(
        value, value
    )
    if value not in RECURRING:
        raise InvalidInput(f"--recurring must be month or year, not {recurring!r}")
    return value


def parse_bundle(text: str) -> list[tuple[str, int]]:
    """`SKU:QTY,SKU:QTY` → [(sku, qty)]."""
    items = []
    for part in text.split(","):
        sku, _, qty = part.strip().partition(":")
        if not sku:
            raise InvalidInput(
                f"bundle item {part!r} needs a SKU", hint="e.g. --bundle SEAT:10,ONB:1"
            )
        try:
            count = int(qty or "1")
        except ValueError:
            raise InvalidInput(f"bundle quantity {qty!r} is not a whole number") from None
        if count < 1:
            raise InvalidInput(f"bundle quantity for {sku} must be 1 or more")
        items.append((sku.strip(), count))
    return items


def find_product(sku: str, *, session: Session) -> Product:
    """A product by SKU (case-insensitive)."""
    from sqlmodel import func, select

    found = session.exec(
        select(Product).where(func.lower(Product.sku) == sku.strip().lower())
    ).first()
    if found is None:
        raise NotFound(f"no product with SKU {sku!r}", hint="`salesflow product list` shows them")
    return found


def add_product(
    sku: str,
    name: str,
    *,
    price: Decimal,
    currency: str,
    unit: str | None,
    recurring: str | None,
    bundle: list[tuple[str, int]] | None,
    session: Session,
) -> ProductView:
    """A new product (or bundle: its items must exist, in the same currency)."""
    from sqlmodel import func, select

    clean = sku.strip()
    if not clean or len(clean) > 64 or any(c.isspace() or c in ":," for c in clean):
        raise InvalidInput(f"SKU {sku!r} must be 1–64 characters without spaces, ':' or ','")
    if not name.strip():
        raise InvalidInput("the product needs a name")
    if session.exec(select(Product.id).where(func.lower(Product.sku) == clean.lower())).first():
        raise InvalidInput(f"SKU {clean!r} exists", hint="`salesflow product edit` changes it")
    product = Product(
        sku=clean,
        name=name.strip(),
        price_minor=to_minor(price, currency),
        currency=currency,
        unit=(unit or "each").strip() or "each",
        recurring=_check_recurring(recurring),
        active=True,
        created_at=now_utc(),
    )
    session.add(product)
    session.flush()
    for item_sku, qty in bundle or []:
        item = find_product(item_sku, session=session)
        if item.id == product.id:
            raise InvalidInput("a bundle cannot contain itself")
        if item.currency != currency:
            raise InvalidInput(f"{item.sku} is priced in {item.currency}, the bundle in {currency}")
        session.add(BundleItem(bundle_id=product.id, product_id=item.id, qty=qty))  # type: ignore[arg-type]
    session.flush()
    return product_view(product, session=session)


def edit_product(
    sku: str,
    *,
    name: str | None,
    price: Decimal | None,
    unit: str | None,
    recurring: str | None,
    active: bool | None,
    session: Session,
) -> ProductView:
    """Change a product; quotes already made keep the price they were made with."""
    product = find_product(sku, session=session)
    if all(v is None for v in (name, price, unit, recurring, active)):
        raise InvalidInput(
            "nothing to change",
            hint="give --name, --price, --unit, --recurring or --active/--inactive",
        )
    if name is not None:
        if not name.strip():
            raise InvalidInput("the product needs a name")
        product.name = name.strip()
    if price is not None:
        product.price_minor = to_minor(price, product.currency)
    if unit is not None:
        product.unit = unit.strip() or "each"
    if recurring is not None:
        product.recurring = (
            None if recurring.lower() in ("none", "no", "") else _check_recurring(recurring)
        )
    if active is not None:
        product.active = active
    session.add(product)
    session.flush()
    return product_view(product, session=session)


def product_view(product: Product, *, session: Session) -> ProductView:
    """A product as a read model, with its bundle items."""
    from sqlmodel import col, select

    assert product.id is not None
    items = session.exec(
        select(Product.sku, BundleItem.qty)
        .join(BundleItem, col(BundleItem.product_id) == col(Product.id))
        .where(BundleItem.bundle_id == product.id)
        .order_by(col(BundleItem.id))
    ).all()
    return ProductView(
        id=product.id,
        sku=product.sku,
        name=product.name,
        price_minor=product.price_minor,
        currency=product.currency,
        unit=product.unit,
        recurring=product.recurring,
        active=product.active,
        bundle=[(s, q) for s, q in items],
    )


def list_products(*, session: Session, include_inactive: bool = False) -> list[ProductView]:
    """The catalogue by SKU."""
    from sqlmodel import select

    query = select(Product).order_by(Product.sku)
    if not include_inactive:
        query = query.where(Product.active)
    return [product_view(p, session=session) for p in session.exec(query)]
