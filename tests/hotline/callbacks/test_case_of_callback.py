"""The case a callback belongs to (click-to-call's audit entry names it)."""

from __future__ import annotations

from hotline.callbacks.listing import case_of_callback
from hotline.callbacks.models import CallbackState


def test_a_callback_names_its_case(svc, factories, create_case):
    case = create_case()
    (with_case,) = factories.callbacks(case.id, CallbackState.BOOKED)
    (without,) = factories.callbacks(None, CallbackState.BOOKED)
    with svc.database.reading() as session:
        assert case_of_callback(session, with_case) == case.id
        assert case_of_callback(session, without) is None
        assert case_of_callback(session, with_case + without + 1) is None
