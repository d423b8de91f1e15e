"""The texts of the booking page, the manage pages and the API's error messages, from the
catalog (`hotline/texts/public.toml`).

Messages are for people, in German; programs read the API's `code` and the keys of its
`fields` (see web/booking/openapi.py). An appointment's manage page reads its words in the
page's language (`web.page_language`)."""

from __future__ import annotations

from hotline.texts import words

FIELD_ERRORS = words("public.field_errors")
ERRORS = words("public.errors")
# the manage page of a callback booked online (/rueckruf/<token>)
CALLBACK_PAGE = words("public.callback_page")
