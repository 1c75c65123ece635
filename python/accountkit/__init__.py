"""accountkit: create, update, read, list and delete customer accounts on vendor
platforms (99digital, ActivePlatform, Commvault) with one model, one error
taxonomy, local validation that reports every problem at once, and an offline
sandbox that behaves like the vendors.

>>> import accountkit as ak
>>> with ak.Sandbox() as sb:
...     client = ak.Client("99digital", **sb.credentials("99digital"))
...     account = client.create_account(account_name="Acme", agents=5, inboxes=2,
...         admin_email="ada@acme.example", admin_name="Ada", admin_displayName="Ada",
...         admin_password="S3cret!pw", reference="acme1")
...     account.id, account["account_id"]

The full reference is docs/python.md.
"""

from typing import TYPE_CHECKING

from . import _core
from .client import Outcome, Result, account_view, describe_vendors, parse_webhook, validate, validate_many
from .errors import (
    AuthError,
    CancelledError,
    DecodeError,
    Error,
    FieldError,
    InternalError,
    InvalidArgumentError,
    NotFoundError,
    OperationFailedError,
    OutcomeUnknownError,
    OutOfMemoryError,
    RateLimitError,
    TransportError,
    UnknownOperationError,
    ValidationError,
    VendorError,
)
from .errors import TimeoutError as TimeoutError  # ak.TimeoutError, kept out of __all__
from .plan import (ACTIONS, RUN_ACTIONS, Plan, PlanStep, PlanSummary, StalePlanError, StepOutcome, iter_plan, plan,
                   plan_accounts, write_plan)
from .sandbox import Sandbox

if TYPE_CHECKING:
    # Type checkers see Client typed by vendor name and each operation's fields
    # (_vendors.pyi, generated from the vendor tables when the package is built).
    from ._vendors import AsyncClient as AsyncClient
    from ._vendors import Client as Client
    from ._vendors import VendorName as VendorName
else:
    from .aio import AsyncClient
    from .client import Client

    #: A vendor's name: str at run time, a Literal of the known names for type checkers.
    VendorName = str

__version__: str = _core.version()

#: The vendors this build knows, by name.
VENDORS: tuple[str, ...] = tuple(_core.vendor_names())

# TimeoutError is ak.TimeoutError but stays out of `import *`: it would shadow the builtin.
__all__ = [
    "__version__",
    "VENDORS",
    "VendorName",
    "Client",
    "AsyncClient",
    "Result",
    "Outcome",
    "Sandbox",
    "validate",
    "validate_many",
    "describe_vendors",
    "parse_webhook",
    "account_view",
    "plan",
    "iter_plan",
    "plan_accounts",
    "Plan",
    "PlanStep",
    "PlanSummary",
    "write_plan",
    "StepOutcome",
    "StalePlanError",
    "ACTIONS",
    "RUN_ACTIONS",
    "FieldError",
    "Error",
    "InvalidArgumentError",
    "ValidationError",
    "AuthError",
    "NotFoundError",
    "RateLimitError",
    "VendorError",
    "DecodeError",
    "TransportError",
    "UnknownOperationError",
    "OutcomeUnknownError",
    "OperationFailedError",
    "CancelledError",
    "InternalError",
    "OutOfMemoryError",
]
