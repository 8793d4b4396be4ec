"""Sizes of stored values, declared once: the models build their columns from these and
the API, forms and rules refuse anything larger with a 422 naming the field, so no input
can overflow a column and answer 500 (issue 10, X-5).

Pure constants; no Django imports.
"""

from __future__ import annotations

from decimal import Decimal

# Text columns.
NAME_PART = 200  # surname, first name, patronymic (a one-word name lands whole in one)
NAME = NAME_PART  # a customer's name as ordered: it is split into the parts above
PRODUCT_NAME = 200
SKU = 64
EXTERNAL_ID = 100
PHONE_INPUT = 64  # a phone as typed, before it is normalised to E.164
PHONE = 32  # stored, E.164
EMAIL = 254
CODE = 40  # playbook codes: statuses, problems, queues, outcomes
PAYMENT_CODE = 32  # payment method, payment status, delivery method
CURRENCY = 3
COMMENT = 5000
ADDRESS_KEY = 40
ADDRESS_VALUE = 300

# Money: decimal(12, 2) for prices, decimal(14, 2) for line totals, order totals and
# amounts. `MAX_PRICE` and `MAX_AMOUNT` are the largest values those columns hold.
PRICE_DIGITS = 12
AMOUNT_DIGITS = 14
MONEY_PLACES = 2
MAX_PRICE = Decimal(10 ** (PRICE_DIGITS - MONEY_PLACES)) - Decimal("0.01")
MAX_AMOUNT = Decimal(10 ** (AMOUNT_DIGITS - MONEY_PLACES)) - Decimal("0.01")
PERCENT_DIGITS = 5

MAX_QUANTITY = 9999
MAX_ITEMS = 200
MAX_CALL_SECONDS = 6 * 3600  # a longer attempt is a recording error

# Uploaded tables (X-10 imports, NBO-1 lists; issue 25): an XLSX is a zip whose parts may
# inflate a thousandfold, so its parts' uncompressed sizes are checked before parsing, and
# rows, columns and cells are counted while reading.
TABLE_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
TABLE_LINES = 25_000  # lines read, empty ones included (imports take 20 000 rows)
TABLE_COLUMNS = 100
TABLE_CELL = COMMENT  # characters in one cell
TABLE_ECHO = 20  # characters of a refused value quoted back
