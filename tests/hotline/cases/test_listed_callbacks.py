"""The callbacks the console's *Rückrufe* lists, read through the core on a real database."""

from __future__ import annotations

from hotline.callbacks.models import CallbackState
from hotline.cases.today import listed_callbacks


def test_every_booked_callback_is_listed_in_the_order_due_and_a_draft_never(
    svc, factories, create_case
):
    case = create_case()
    done, draft, booked = factories.callbacks(
        case.id, CallbackState.DONE, CallbackState.DRAFT, CallbackState.BOOKED
    )
    with svc.database.reading() as session:
        every = listed_callbacks(session, None)
        only_booked = listed_callbacks(session, CallbackState.BOOKED)
        drafts = listed_callbacks(session, CallbackState.DRAFT)
    assert [(line.id, line.case_reference, line.has_number) for line in every] == [
        (done, case.reference, True),
        (booked, case.reference, True),
    ]
    assert [line.id for line in only_booked] == [booked]
    assert [line.id for line in drafts] == [draft]  # asked for by name: a filter shows them
