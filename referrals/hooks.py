"""Where the floors above react to referrals without this app importing them.

- ``referral_received``: called inside the transaction that saved a new referral, with it.
  The API writes its webhook deliveries (an outbox) from it.

Apps above register a plain function in their ``AppConfig.ready()``.
"""

from cases.hooks import HookList

referral_received = HookList("referral_received")
