import uuid

import pytest

from pos.errors import ErrorCode, PosError
from pos.services.plumbing import validation


def test_error_dict_is_the_seed_format():
    err = PosError(ErrorCode.INSUFFICIENT_STOCK, "Only 3 left", {"requested": 5, "available": 3})
    assert err.to_dict() == {
        "success": False,
        "message": "Only 3 left",
        "error_code": "INSUFFICIENT_STOCK",
        "details": {"requested": 5, "available": 3},
    }


@pytest.mark.parametrize("bad", ["", "abc", "123", None, 12, "not-a-uuid-at-all-0000"])
def test_product_id_must_be_uuid(bad):
    with pytest.raises(PosError) as exc:
        validation.product_id(bad)
    assert exc.value.code == ErrorCode.INVALID_PRODUCT_ID


def test_product_id_accepts_uuid_and_text():
    u = uuid.uuid4()
    assert validation.product_id(u) == u
    assert validation.product_id(str(u)) == u


@pytest.mark.parametrize("bad", [0, 100, -1, 1.5, True, "x", None, "2.0"])
def test_quantity_is_whole_1_to_99(bad):
    with pytest.raises(PosError) as exc:
        validation.line_quantity(bad)
    assert exc.value.code == ErrorCode.INVALID_QUANTITY


@pytest.mark.parametrize("good", [1, 99, "5", " 7 "])
def test_quantity_accepts(good):
    assert 1 <= validation.line_quantity(good) <= 99


def test_pos_errors_survive_pickling_across_processes() -> None:
    import pickle

    from pos.errors import ConfigError, ErrorCode, PosError

    err = PosError(ErrorCode.LOCK_TIMEOUT, "busy", {"waited_ms": 5000})
    back = pickle.loads(pickle.dumps(err))
    assert (type(back), back.code, back.message, back.details) == (
        PosError,
        ErrorCode.LOCK_TIMEOUT,
        "busy",
        {"waited_ms": 5000},
    )
    config = pickle.loads(pickle.dumps(ConfigError("unreadable", {"path": "/x"})))
    assert isinstance(config, ConfigError)
    assert (config.code, config.message, config.details) == (
        ErrorCode.CONFIG_ERROR,
        "unreadable",
        {"path": "/x"},
    )
