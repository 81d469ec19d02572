"""Penalties and deadlines are computed from the rules in offences.yaml, not copied."""

import datetime as dt

import pytest
from django.utils import translation

from common.dates import long_date
from guidance import engine, rules
from guidance.facts import FactsError

TODAY = dt.date(2026, 11, 21)


def offence(plan: dict, offence_id: str) -> dict:
    return next(o for o in plan["offences"] if o["id"] == offence_id)


def harassment(**facts) -> dict:
    plan = engine.build_plan({"role": "victim", "acts": ["insults"], **facts}, today=TODAY)
    return offence(plan, "222-33-2-2")


def test_online_harassment_of_an_adult_risks_2_years_and_30000_euros():
    result = harassment(victim_age="adult", platforms=["instagram"])
    assert (result["prison_years"], result["fine_eur"]) == (2, 30000)


def test_online_harassment_of_a_minor_risks_3_years_and_45000_euros():
    result = harassment(victim_age="15_17", platforms=["snapchat"])
    assert (result["prison_years"], result["fine_eur"]) == (3, 45000)


def test_offline_harassment_of_an_adult_risks_the_base_1_year_and_15000_euros():
    result = harassment(victim_age="adult")
    assert (result["prison_years"], result["fine_eur"]) == (1, 15000)


def test_three_circumstances_still_cap_at_3_years_and_45000_euros():
    result = harassment(
        victim_age="adult",
        victim_public_role="elected_official",
        platforms=["x"],
        health_impact="itt_over_8_days",
    )
    assert (result["prison_years"], result["fine_eur"]) == (3, 45000)
    assert len(result["circumstances"]) == 3


def test_the_plan_names_the_circumstances_that_aggravate_the_penalty():
    result = harassment(victim_age="under_15", platforms=["tiktok"])
    assert result["circumstances"] == ["victime mineure", "en ligne ou par un moyen numérique"]
    assert result["penalty"] == "Jusqu’à 3\u00a0ans de prison et 45\u00a0000\u00a0€ d’amende"


def test_a_death_threat_is_punished_more_than_a_threat():
    plan = engine.build_plan({"role": "victim", "acts": ["death_threats"]}, today=TODAY)
    assert (offence(plan, "222-17")["prison_years"], offence(plan, "222-17")["fine_eur"]) == (
        3,
        45000,
    )
    plan = engine.build_plan({"role": "victim", "acts": ["threats"]}, lang="en", today=TODAY)
    assert offence(plan, "222-17")["penalty"] == "Up to 6 months in prison and a €7,500 fine"


def test_an_insult_first_seen_on_1_october_must_be_prosecuted_by_1_january():
    plan = engine.build_plan(
        {"role": "victim", "acts": ["insults"], "first_seen": "2026-10-01"}, today=TODAY
    )
    assert offence(plan, "loi1881-33")["deadline"] == "2027-01-01"


def test_a_discriminatory_insult_has_one_year():
    plan = engine.build_plan(
        {
            "role": "victim",
            "acts": ["insults"],
            "discrimination": ["racist"],
            "first_seen": "2026-10-01",
        },
        today=TODAY,
    )
    assert offence(plan, "loi1881-33")["deadline"] == "2027-10-01"
    assert offence(plan, "loi1881-33")["prison_years"] == 1


def test_a_private_insult_is_a_contravention_under_r621_not_the_press_law():
    plan = engine.build_plan(
        {"role": "victim", "acts": ["insults"], "visibility": "private"}, today=TODAY
    )
    insult = offence(plan, "R621-2")
    assert (insult["prison_years"], insult["fine_eur"]) == (0, 38)
    assert "R621-1" in insult["article"] and "1881" not in insult["article"]
    assert "loi1881-33" not in [o["id"] for o in plan["offences"]]


def test_a_first_seen_date_in_the_future_is_refused():
    with pytest.raises(FactsError) as error:
        engine.build_plan(
            {"role": "victim", "acts": ["insults"], "first_seen": "2026-11-22"}, today=TODAY
        )
    assert error.value.key == "first_seen"


def test_harassment_runs_from_the_last_act_so_no_date_is_computed_but_it_is_verified():
    result = harassment(first_seen="2026-01-10")
    assert result["deadline"] is None
    assert result["prescription_confidence"] == "verified"
    assert "dernier acte" in result["prescription"]
    assert "19 juin 2019" in result["prescription"]


def test_a_threat_can_be_prosecuted_for_6_years():
    plan = engine.build_plan(
        {"role": "victim", "acts": ["threats"], "first_seen": "2026-02-28"}, today=TODAY
    )
    assert offence(plan, "222-17")["deadline"] == "2032-02-28"


def test_a_delay_ending_in_a_shorter_month_ends_on_its_last_day():
    assert rules.add_delay(dt.date(2026, 11, 30), {"months": 3}) == dt.date(2027, 2, 28)
    assert rules.add_delay(dt.date(2028, 2, 29), {"years": 1}) == dt.date(2029, 2, 28)


def test_dates_are_written_in_each_language():
    assert long_date(dt.date(2027, 1, 1), "fr") == "1er janvier 2027"
    assert long_date(dt.date(2027, 10, 15), "en") == "15 October 2027"


@pytest.mark.parametrize(
    ("years", "lang", "words"),
    [
        (0.5, "fr", "6\u00a0mois"),
        (1, "fr", "1\u00a0an"),
        (3, "fr", "3\u00a0ans"),
        (0.5, "en", "6 months"),
        (1, "en", "1 year"),
        (10, "en", "10 years"),
    ],
)
def test_prison_terms_are_written_in_each_language(years, lang, words):
    assert rules.format_prison(years, lang) == words


def test_amounts_are_grouped_the_way_each_language_writes_them():
    assert rules.format_euros(150000, "fr") == "150\u00a0000\u00a0€"
    assert rules.format_euros(7500, "en") == "€7,500"


def test_the_plan_speaks_its_own_language_whatever_the_request_speaks():
    with translation.override("fr"):
        plan = engine.build_plan({"role": "victim", "acts": ["threats"]}, "en", today=TODAY)
    assert offence(plan, "222-17")["penalty"] == "Up to 6 months in prison and a €7,500 fine"
