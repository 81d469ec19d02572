import hashlib
from io import BytesIO

from evidence.vault.integrity import (
    GENESIS,
    canonical_json,
    event_hash,
    sha256_bytes,
    sha256_file,
    verify_chain,
    verify_files,
)


def chain(*payloads: dict) -> list[dict]:
    events: list[dict] = []
    for payload in payloads:
        add_event(events, payload)
    return events


def add_event(events: list[dict], payload: dict, *, prev_hash: str | None = None) -> None:
    if prev_hash is None:
        prev_hash = events[-1]["hash"] if events else GENESIS
    events.append(
        {
            "seq": len(events) + 1,
            "prev_hash": prev_hash,
            "payload": payload,
            "hash": event_hash(prev_hash, payload),
        }
    )


def five_events() -> list[dict]:
    return chain(*({"action": "piece_added", "piece": number} for number in range(1, 6)))


def found(problems) -> list[tuple[str, int]]:
    return [(problem.code, problem.seq) for problem in problems]


# Fingerprints


def test_it_hashes_bytes_as_sha256():
    assert sha256_bytes(b"capture") == hashlib.sha256(b"capture").hexdigest()


def test_it_hashes_a_file_in_chunks_from_where_it_stands():
    data = b"x" * 10_000
    file = BytesIO(b"header" + data)
    file.seek(6)
    assert sha256_file(file, chunk_size=1000) == hashlib.sha256(data).hexdigest()


def test_canonical_json_sorts_keys_packs_separators_and_keeps_accents():
    assert canonical_json({"b": 1, "a": "reçu"}) == '{"a":"reçu","b":1}'.encode()


def test_an_event_hash_ignores_key_order():
    assert event_hash(GENESIS, {"a": 1, "b": 2}) == event_hash(GENESIS, {"b": 2, "a": 1})


def test_an_event_hash_depends_on_the_previous_event():
    assert event_hash(GENESIS, {"a": 1}) != event_hash("f" * 64, {"a": 1})


# The custody chain


def test_an_untouched_chain_has_no_problem():
    assert verify_chain(five_events()) == []


def test_an_empty_chain_has_no_problem():
    assert verify_chain([]) == []


def test_events_given_out_of_order_are_checked_in_sequence():
    assert verify_chain(list(reversed(five_events()))) == []


def test_it_reports_an_altered_payload_by_its_number():
    events = five_events()
    events[2]["payload"] = {"action": "piece_added", "piece": 99}
    assert found(verify_chain(events)) == [("altered", 3)]


def test_it_reports_a_removed_event_by_its_number():
    events = five_events()
    del events[2]
    assert found(verify_chain(events)) == [("missing", 3)]


def test_it_reports_a_removed_first_event():
    assert found(verify_chain(five_events()[1:])) == [("missing", 1)]


def test_it_reports_a_broken_link_by_its_number():
    events = five_events()[:2]
    add_event(events, {"action": "piece_added", "piece": 3}, prev_hash="f" * 64)
    add_event(events, {"action": "piece_added", "piece": 4})
    assert found(verify_chain(events)) == [("broken_link", 3)]


def test_it_reports_events_whose_numbers_were_swapped():
    events = five_events()
    events[2]["seq"], events[3]["seq"] = 4, 3
    assert found(verify_chain(events)) == [("reordered", 3), ("reordered", 4), ("reordered", 5)]


def test_it_reports_a_duplicated_event():
    events = five_events()
    events.insert(3, dict(events[2]))
    assert found(verify_chain(events)) == [("duplicate", 3)]


# Files against their recorded fingerprints


def test_files_that_match_their_fingerprints_have_no_problem():
    assert verify_files([("Pièce 1", sha256_bytes(b"capture"), b"capture")]) == []


def test_it_reports_a_changed_file_with_both_fingerprints():
    expected = sha256_bytes(b"capture")
    [problem] = verify_files([("Pièce 3", expected, b"capture retouchee")])
    assert (problem.code, problem.label) == ("changed", "Pièce 3")
    assert (problem.expected, problem.actual) == (expected, sha256_bytes(b"capture retouchee"))


def test_it_reports_a_missing_file():
    [problem] = verify_files([("Pièce 4", sha256_bytes(b"capture"), None)])
    assert (problem.code, problem.label, problem.actual) == ("missing", "Pièce 4", None)


def test_it_accepts_a_fingerprint_written_in_capitals():
    assert verify_files([("Pièce 1", sha256_bytes(b"capture").upper(), b"capture")]) == []
