"""Each package's public surface is exactly its ``__all__``, and every name in it resolves."""

from __future__ import annotations

import importlib

import pytest

PUBLIC = {
    "reward_server": {
        "Engine",
        "InvalidItems",
        "Outcome",
        "ScoreItem",
        "ScoreRequest",
        "ScoreResponse",
        "ScoreResult",
        "Settings",
        "__version__",
        "check_format",
        "check_language",
        "check_math",
        "create_app",
        "score",
    },
    "reward_server.protocols": {"FLAT_KEYS", "flatten"},
    "reward_server.verifiers": {
        "ENTRY_POINT_GROUP",
        "Outcome",
        "Registry",
        "RegistryError",
        "Verifier",
        "build_registry",
        "default_verifiers",
        "warm_up",
    },
    "reward_server.verifiers.math": {"answers_equal", "check_math", "warm_up"},
    "reward_server.verifiers.language": {"check_language", "supported_languages"},
    "reward_server.verifiers.code": {
        "CHECKERS",
        "build_job",
        "check_code",
        "checker",
        "extract_code",
        "judge",
        "run_raw",
    },
    "trainer_client": {
        "AsyncRewardClient",
        "AsyncServerReward",
        "BadResponse",
        "RequestRejected",
        "RetryPolicy",
        "RewardClient",
        "RewardClientError",
        "ServerReward",
        "ServerUnavailable",
        "to_rewards",
    },
}


@pytest.mark.parametrize("package", sorted(PUBLIC))
def test_all_is_the_public_surface(package: str) -> None:
    module = importlib.import_module(package)
    names = module.__all__
    assert len(names) == len(set(names)), "duplicates in __all__"
    assert set(names) == PUBLIC[package], set(names) ^ PUBLIC[package]
    for name in names:
        assert getattr(module, name) is not None, name


def test_an_unknown_name_is_an_attribute_error() -> None:
    import reward_server

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        reward_server.nope  # noqa: B018


def test_version_comes_from_the_installed_distribution() -> None:
    from importlib.metadata import version

    import reward_server

    assert reward_server.__version__ == version("reward-server")
