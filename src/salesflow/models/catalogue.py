"""The product catalogue: products (one-off or recurring) and bundles priced as a whole."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime
from sqlmodel import Field

from salesflow.models.base import TableModel


class Product(TableModel, table=True):
    """Something we sell, at a unit price in one currency. A bundle has `BundleItem`s."""

    __tablename__ = "products"

    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(unique=True, max_length=64)
    name: str
    price_minor: int = Field(default=0, sa_type=BigInteger)
    currency: str = Field(max_length=3)
    unit: str = Field(default="each", max_length=32)
    recurring: str | None = Field(default=None, max_length=8)  # month | year
    active: bool = True
    created_at: datetime = Field(sa_type=DateTime)


class BundleItem(TableModel, table=True):
    """One product inside a bundle, with its quantity."""

    __tablename__ = "bundle_items"

    id: int | None = Field(default=None, primary_key=True)
    bundle_id: int = Field(foreign_key="products.id", index=True)
    product_id: int = Field(foreign_key="products.id")
    qty: int = 1
