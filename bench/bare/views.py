import datetime

from django.shortcuts import render

# Fourteen rows of the kind a Suunta page shows: a goal, its metric, target, status, date.
ROWS = [
    {
        "number": number,
        "goal": f"Tavoite {number}: palvelujen saatavuus ja talouden tasapaino",
        "metric": f"Mittari {number}",
        "target": f"{90 + number % 10} %",
        "status": ("Hyväksytty", "Luonnos", "Seurannassa")[number % 3],
        "date": datetime.date(2025, 1 + number % 12, 1 + number),
    }
    for number in range(1, 15)
]


def table(request):
    """A template with a 14-row table; no database, no session."""
    return render(request, "bare/table.html", {"rows": ROWS})
