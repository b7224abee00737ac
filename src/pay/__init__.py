"""django-pay: subscription billing for Django over several payment processors."""

__version__ = "0.1.0"
