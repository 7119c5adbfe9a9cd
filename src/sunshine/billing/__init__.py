"""Bills: charge items with their rates, billing runs booked in the ledger, desk payments.

Online payment channels and their orders, too (`service.online`, `service.channels`).
"""
