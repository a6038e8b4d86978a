from tests.oidc import oidc_provider_process_fixture, oidc_providers_fixture  # noqa: F401
