"""Recovery codes moved from the evidence app to accounts: a database made by the migrations of
before the move migrates forward with every code still there, and still working."""

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts import recovery
from accounts.models import RecoveryCode

BEFORE_THE_MOVE = [("evidence", "0002_complaint_export"), ("accounts", None)]
CODE = "7KQ2-M9XD-4TPA"


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_codes_issued_before_the_move_survive_it_and_still_reset_a_password():
    executor = _migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state(BEFORE_THE_MOVE[:1]).apps
    user = old.get_model("auth", "User").objects.create(username="lea_75", password="x")
    old.get_model("evidence", "RecoveryCode").objects.create(
        user_id=user.pk, code_hash=make_password(CODE)
    )
    assert "evidence_recoverycode" in connection.introspection.table_names()

    executor = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert "evidence_recoverycode" not in connection.introspection.table_names()
    assert RecoveryCode.objects.filter(user_id=user.pk).count() == 1
    assert recovery.reset_password("lea_75", CODE.lower(), "une phrase de passe 42") is not None
    assert recovery.remaining_codes(RecoveryCode.objects.get().user) == 0
