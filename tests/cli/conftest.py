from tests.notifications.conftest import people  # noqa: F401  (the ladder's world, for `rectify notify`)
