"""Route dependencies on workflow objects: the scope is checked before anything else of the
request is looked at (a form field missing in a request for someone else's filing is a 404)."""

from __future__ import annotations

from fastapi import Depends, Request

from gongkai.serve import workflow as wf
from gongkai.serve.auth import Scope, current_scope, get_db


def scoped_filing(request: Request, filing_id: int, scope: Scope = Depends(current_scope)) -> wf.FilingInfo:
    """The filing of the path, or 404 when it is not in the user's scope."""
    return wf.get_filing(get_db(request), scope, filing_id)
