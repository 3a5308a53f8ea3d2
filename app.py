"""CareDesk home: "My day" — the case manager's worklist, acted on in place."""

from components.overview.my_day import my_day_page
from components.shared.guard import page_setup

actor = page_setup("My day")
my_day_page(actor)
