"""Every German word of the statistics: chart titles and legends, and the names in the CSV
export. In one place so that the counselling team can change the wording without reading
the chart code; the names of federal states and offer categories come from the case
vocabulary, where the console's forms take them from too."""

from __future__ import annotations

from datetime import date

from hotline.calendar_names import MONTHS
from hotline.cases.vocabulary import FEDERAL_STATES, OFFER_CATEGORIES

CHARTS: dict[str, str] = {
    "calls.title.day": "Anrufe pro Tag",
    "calls.title.month": "Anrufe pro Monat",
    "calls.answered": "Angenommen",
    "calls.abandoned": "Aufgelegt in der Warteschleife",
    "calls.ended_after_max_wait": "Nach der Höchstwartezeit beendet",
    "calls.out_of_hours_callback": "Außerhalb der Öffnungszeiten: Rückruf gebucht",
    "calls.out_of_hours_appointment": "Außerhalb der Öffnungszeiten: Videotermin gebucht",
    "calls.out_of_hours_nothing_booked": "Außerhalb der Öffnungszeiten: nichts gebucht",
    "calls.other": "Sonstige",
    "calls.description": "{total}, davon {answered} angenommen, {abandoned} in der "
    "Warteschleife aufgelegt, {ended_after_max_wait} nach der Höchstwartezeit beendet, "
    "{out_of_hours} außerhalb der Öffnungszeiten ({out_of_hours_callback} mit Rückruf, "
    "{out_of_hours_appointment} mit Videotermin, {out_of_hours_nothing_booked} ohne Buchung) "
    "und {other} sonstige.",
    "waits.title": "Wartezeit (Median, 90. Perzentil) in Sekunden",
    "waits.median": "Median",
    "waits.p90": "90. Perzentil",
    "waits.description": "{calls} in der Warteschleife: im Median {median}, neun von zehn "
    "höchstens {p90}.",
    "waits.description.none": "Niemand wartete in der Warteschleife.",
    "callbacks.title.day": "Rückrufe pünktlich (pro Tag)",
    "callbacks.title.month": "Rückrufe pünktlich (pro Monat)",
    "callbacks.on_time": "Pünktlich",
    "callbacks.late": "Verspätet",
    "callbacks.failed": "Nicht erreicht",
    "callbacks.other": "Abgesagt oder offen",
    "callbacks.description": "{booked} gebucht, {done} erledigt, davon {on_time} "
    "pünktlich ({share}); {failed} nicht erreicht.",
    "appointments.title.day": "Termine pro Tag",
    "appointments.title.month": "Termine pro Monat",
    "appointments.booked": "Gebucht",
    "appointments.canceled": "Abgesagt",
    "appointments.description": "{booked} gebucht, {canceled} abgesagt. Gebucht über: {channels}.",
    "referrals.by_state.title": "Weitervermittlungen nach Bundesland",
    "referrals.by_category.title": "Weitervermittlungen nach Kategorie",
    "referrals.count": "Weitervermittlungen",
    "referrals.description": "{total}: {parts}.",
    "period": "{first} bis {last}",
    "no_data": "Keine Daten im Zeitraum",
    "none": "keine",
    "unknown_state": "unbekannt",
}

CHANNELS: dict[str, str] = {
    "web": "Buchungsseite",
    "api": "Schnittstelle",
    "phone": "Telefon",
}

# The anonymous CSV export: column names, areas and features (plain words, no umlauts, so
# that every spreadsheet reads them alike).
CSV: dict[str, str] = {
    "column.area": "bereich",
    "column.from": "von",
    "column.until": "bis",
    "column.feature": "merkmal",
    "column.value": "wert",
    "calls": "anrufe",
    "calls.answered": "angenommen",
    "calls.abandoned": "aufgelegt_in_warteschleife",
    "calls.ended_after_max_wait": "nach_hoechstwartezeit_beendet",
    "calls.out_of_hours": "ausserhalb_oeffnungszeiten",  # the sum of the three below
    "calls.out_of_hours_callback": "ausserhalb_rueckruf_gebucht",
    "calls.out_of_hours_appointment": "ausserhalb_videotermin_gebucht",
    "calls.out_of_hours_nothing_booked": "ausserhalb_nichts_gebucht",
    "calls.other": "sonstige",
    "waits": "wartezeit_sekunden",
    "waits.median": "median",
    "waits.p90": "perzentil_90",
    "callbacks": "rueckrufe",
    "callbacks.booked": "gebucht",
    "callbacks.done": "erledigt",
    "callbacks.on_time": "puenktlich",
    "callbacks.failed": "nicht_erreicht",
    "appointments": "termine",
    "appointments.booked": "gebucht",
    "appointments.canceled": "abgesagt",
    "appointments_by_channel": "termine_nach_buchungsweg",
    "referrals_by_state": "weitervermittlungen_nach_bundesland",
    "referrals_by_category": "weitervermittlungen_nach_kategorie",
    "unknown": "unbekannt",
    "suppressed.small": "<5",  # a count from 1 to 4
    "suppressed.hidden": "x",  # a count of 5 or more, hidden so that a small one stays hidden
}


def state_name(code: str | None) -> str:
    if code is None:
        return CHARTS["unknown_state"]
    return FEDERAL_STATES.get(code, code)


def category_name(code: str | None) -> str:
    return OFFER_CATEGORIES.get(code or "", code or CHARTS["unknown_state"])


def channel_name(code: str | None) -> str:
    return CHANNELS.get(code or "", code or CHARTS["unknown_state"])


def count_text(number: int) -> str:
    """1.234, as German readers write numbers."""
    return f"{number:,}".replace(",", ".")


def day_text(day: date) -> str:
    """05.01.2026"""
    return f"{day:%d.%m.%Y}"


def month_text(day: date) -> str:
    """Jan 2026"""
    return f"{MONTHS['de'][day.month - 1][:3]} {day.year}"
