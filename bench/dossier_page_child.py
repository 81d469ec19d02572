"""Makes the dossiers bench/dossier_page.py loads, in the benchmark's own database:
`python -m bench.dossier_page_child 5 200` prints a logged-in session key, then each
dossier's id. Every piece is a ~2 MB phone screenshot, sealed, with its derivatives made, and
each dossier checked once by the worker's code, as a dossier in use would be."""

from __future__ import annotations

import os
import sys


def main(sizes: list[int]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.ingest import phone_screenshot
    from evidence.models import Concerns, Kind, Role, Sensitivity
    from evidence.vault import checks, derivatives
    from evidence.vault import services as vault

    data = phone_screenshot()
    user = get_user_model().objects.create_user("bench", password=None)
    fields = {
        "kind": Kind.IMAGE,
        "sensitivity": Sensitivity.NO,
        "published_raw": "14/03/2025 22:47",
        "platform": "instagram",
        "author_displayed": "@harceleur_42",
        "description": "Commentaire insultant sous une photo",
        "added_by_role": Role.VICTIM,
    }
    found = []
    for size in sizes:
        dossier = vault.create_dossier(
            user, {"title": f"{size} pièces", "concerns": Concerns.SELF, "role": Role.VICTIM}
        )
        for number in range(size):
            vault.add_piece(dossier, user, {**fields, "title": f"Capture {number + 1}"},
                            [vault.Upload(f"Screenshot_{number}.png", data)])  # fmt: skip
            if number % 50 == 49:
                # As the worker would keep up: uploads wait while too many pixels await it.
                derivatives.make_pending(dossier)
        derivatives.make_pending(dossier)
        checks.run(dossier)
        found.append(str(dossier.pk))
    client = Client()
    client.force_login(user)
    print(client.cookies["sessionid"].value, *found)


if __name__ == "__main__":
    main([int(size) for size in sys.argv[1:]])
