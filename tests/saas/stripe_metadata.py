"""Product metadata for a Stripe catalogue."""

from pay.metadata import ProductMetadata

ACTIVE_PRODUCTS = [ProductMetadata(stripe_id="prod_pro", slug="pro", name="Pro")]
