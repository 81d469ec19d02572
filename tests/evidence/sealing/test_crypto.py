import pytest

from evidence.sealing.crypto import (
    MAGIC,
    DecryptionError,
    Keyring,
    decode_key,
    encode_key,
    generate_key,
    key_id,
)

NAME = b"dossiers/4f1c/piece-3.png"


@pytest.fixture
def keyring() -> Keyring:
    return Keyring(generate_key())


def test_it_decrypts_what_it_encrypted(keyring):
    assert keyring.decrypt(keyring.encrypt(b"capture", NAME), NAME) == b"capture"


def test_the_blob_names_its_format_and_key(keyring):
    blob = keyring.encrypt(b"capture", NAME)
    assert blob.startswith(MAGIC + keyring.current_key_id)


def test_the_same_file_never_encrypts_to_the_same_bytes(keyring):
    assert keyring.encrypt(b"capture", NAME) != keyring.encrypt(b"capture", NAME)


def test_the_plaintext_does_not_appear_in_the_blob(keyring):
    assert b"insulte" not in keyring.encrypt(b"une insulte en clair", NAME)


@pytest.mark.parametrize("position", [len(MAGIC) + 8, 30, -1])  # nonce, ciphertext, tag
def test_changing_one_byte_makes_it_fail_to_decrypt(keyring, position):
    blob = bytearray(keyring.encrypt(b"capture", NAME))
    blob[position] ^= 0x01
    with pytest.raises(DecryptionError, match="authentication failed"):
        keyring.decrypt(bytes(blob), NAME)


def test_a_blob_moved_to_another_name_fails_to_decrypt(keyring):
    blob = keyring.encrypt(b"capture", NAME)
    with pytest.raises(DecryptionError, match="authentication failed"):
        keyring.decrypt(blob, b"dossiers/4f1c/piece-4.png")


def test_a_blob_sealed_with_an_unknown_key_fails_to_decrypt(keyring):
    blob = Keyring(generate_key()).encrypt(b"capture", NAME)
    with pytest.raises(DecryptionError, match="unknown key"):
        keyring.decrypt(blob, NAME)


def test_a_file_that_is_not_a_blob_fails_to_decrypt(keyring):
    with pytest.raises(DecryptionError, match="bad magic"):
        keyring.decrypt(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, NAME)


def test_a_blob_cut_short_fails_to_decrypt(keyring):
    with pytest.raises(DecryptionError, match="too short"):
        keyring.decrypt(keyring.encrypt(b"", NAME)[:30], NAME)


def test_after_rotation_old_blobs_still_decrypt():
    old_key, new_key = generate_key(), generate_key()
    old_blob = Keyring(old_key).encrypt(b"capture", NAME)
    assert Keyring(new_key, [old_key]).decrypt(old_blob, NAME) == b"capture"


def test_reencryption_moves_a_blob_to_the_current_key():
    old_key, new_key = generate_key(), generate_key()
    old_blob = Keyring(old_key).encrypt(b"capture", NAME)
    moved = Keyring(new_key, [old_key]).reencrypt(old_blob, NAME)
    assert Keyring(new_key).decrypt(moved, NAME) == b"capture"


def test_a_keyring_reads_current_then_old_keys_from_one_variable():
    current, old = generate_key(), generate_key()
    keyring = Keyring.from_encoded(f"{encode_key(current)}, {encode_key(old)}")
    assert keyring.current_key_id == key_id(current)
    assert keyring.decrypt(Keyring(old).encrypt(b"capture", NAME), NAME) == b"capture"


def test_a_keyring_needs_at_least_one_key():
    with pytest.raises(ValueError, match="at least one"):
        Keyring.from_encoded(" , ")


def test_a_key_survives_its_text_form():
    key = generate_key()
    assert decode_key(encode_key(key)) == key


def test_a_key_survives_losing_its_padding():
    key = generate_key()
    assert decode_key(encode_key(key).rstrip("=")) == key


@pytest.mark.parametrize("text", ["not base64!", encode_key(b"k" * 32)[:20]])
def test_it_refuses_a_key_that_is_not_32_bytes_of_base64(text):
    with pytest.raises(ValueError, match="evidence key"):
        decode_key(text)
