import secrets


def new_id(prefix: str) -> str:
    """A unique processor id that reads like a real one, e.g. ``fake_sub_3f9a…``."""
    return f"fake_{prefix}_{secrets.token_hex(8)}"
