"""The condition language: read once into objects that evaluate, list and describe themselves."""

import pytest

from guidance.conditions import (
    AllOf,
    AnyOf,
    ConditionSyntaxError,
    Fact,
    Given,
    Named,
    Not,
    parse,
)

NAMED = {"minor": parse({"victim_age": ["under_15", "15_17"]}, None)}


def condition(written):
    return parse(written, NAMED)


def test_a_mapping_is_read_into_condition_objects():
    assert condition({"role": "witness"}) == Fact("role", ("witness",))
    assert condition({"not": {"acts": ["insults", "threats"]}}) == Not(
        Fact("acts", ("insults", "threats"), listed=True)
    )
    assert condition({"is": "minor", "platforms": {"given": True}}) == AllOf(
        (Named("minor", NAMED["minor"]), Given("platforms", True))
    )
    assert isinstance(condition({"any": [{"role": "victim"}, {"is": "minor"}]}), AnyOf)


def test_a_fact_holds_when_it_is_one_of_the_values_written():
    assert condition({"role": ["witness", "guardian"]}).holds({"role": "guardian"})
    assert not condition({"role": "witness"}).holds({"role": "victim"})


def test_a_list_fact_holds_when_it_contains_one_of_the_values():
    assert condition({"acts": ["threats", "doxxing"]}).holds({"acts": ["insults", "doxxing"]})
    assert not condition({"acts": "threats"}).holds({"acts": ["insults"]})


def test_an_unanswered_fact_matches_no_value_so_its_negation_holds():
    assert not condition({"visibility": "private"}).holds({})
    assert condition({"not": {"visibility": "private"}}).holds({})


def test_given_says_whether_a_fact_was_answered_with_a_value():
    given = condition({"platforms": {"given": True}})
    assert given.holds({"platforms": ["x"]})
    assert not given.holds({"platforms": []})
    assert condition({"first_seen": {"given": False}}).holds({"role": "victim"})


def test_every_entry_of_a_mapping_must_hold_and_an_empty_one_always_holds():
    both = condition({"role": "victim", "is": "minor"})
    assert both.holds({"role": "victim", "victim_age": "15_17"})
    assert not both.holds({"role": "victim", "victim_age": "adult"})
    assert condition({}).holds({})


def test_any_holds_when_one_part_holds_and_all_when_every_part_does():
    either = condition({"any": [{"role": "witness"}, {"is": "minor"}]})
    assert either.holds({"role": "victim", "victim_age": "under_15"})
    assert not either.holds({"role": "victim", "victim_age": "adult"})
    every = condition({"all": [{"acts": "threats"}, {"acts": "sextortion"}]})
    assert every.holds({"acts": ["threats", "sextortion"]})
    assert not every.holds({"acts": ["threats"]})


def test_atoms_list_every_fact_test_with_named_conditions_expanded():
    written = {"any": [{"role": "witness"}, {"not": {"is": "minor"}}], "platforms": {"given": True}}
    assert [atom.fact for atom in condition(written).atoms()] == [
        "role",
        "victim_age",
        "platforms",
    ]


def test_a_condition_describes_itself_for_the_flow_graph():
    assert condition({"role": "witness"}).describe() == "role = witness"
    assert condition({"acts": ["insults", "threats"]}).describe() == "acts in insults/threats"
    assert (
        condition({"visibility": "private", "acts": "hostile_group"}).describe()
        == "visibility = private & acts = hostile_group"
    )
    assert (
        condition(
            {"is": "minor", "any": [{"role": "witness"}, {"platforms": {"given": False}}]}
        ).describe()
        == "minor & (role = witness or platforms not given)"
    )
    assert condition({"not": {"role": "victim"}}).describe() == "not (role = victim)"
    assert condition({}).describe() == "always"


def test_problems_name_unknown_facts_and_values_in_their_place():
    written = {"any": [{"mood": "sad"}, {"not": {"role": "astronaut"}}], "first_seen": "2026-01-01"}
    assert condition(written).problems("step x › if") == [
        "step x › if › any[0]: unknown fact 'mood'",
        "step x › if › any[1] › not: role: unknown value 'astronaut' "
        "(expected one of victim, witness, guardian, professional)",
        "step x › if: first_seen is a date: only {given: true|false} can test it",
    ]


def test_an_unquoted_yes_read_as_true_is_an_unknown_value():
    assert condition({"still_online": True}).problems("here") == [
        "here: still_online: unknown value True (expected one of yes, no, unknown)"
    ]


@pytest.mark.parametrize(
    ("written", "path", "message"),
    [
        ("role", "", "a condition must be a mapping, not 'role'"),
        ({"any": []}, "", "`any` needs a non-empty list of conditions"),
        ({"all": [{"role": "victim"}, {"is": 3}]}, " › all[1]", "`is` takes a name or a list"),
        ({"not": {"is": "adult"}}, " › not", "unknown named condition 'adult'"),
        ({"acts": {"given": "yes"}}, "", "acts: only {given: true|false} is allowed here"),
        ({"acts": []}, "", "acts: an empty list never matches"),
    ],
)
def test_a_condition_that_cannot_be_read_says_where_and_why(written, path, message):
    with pytest.raises(ConditionSyntaxError) as error:
        condition(written)
    assert error.value.path == path
    assert error.value.message.startswith(message)


def test_a_named_condition_may_not_use_another():
    with pytest.raises(ConditionSyntaxError, match="may not use `is`"):
        parse({"is": "minor"}, None)
