from tests.apptest import signed_in, texts


def test_nurse_signs_in_and_sees_my_day(app_env):
    at = signed_in("nurse")
    assert "My day" in texts(at)
