"""The one place where a proposal, its consortium and its invitations change state.

Each function checks who is acting and whether the change is allowed now, locks the rows it
changes, writes an audit entry and queues its e-mails for after the commit. Views, the admin,
commands and the demo all call these functions; nothing else writes these states.
"""

from .calls import *  # noqa: F403
from .common import *  # noqa: F403
from .common import _require_open, _require_transition  # noqa: F401
from .consortium import *  # noqa: F403
from .proposals import *  # noqa: F403
