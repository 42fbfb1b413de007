"""tests/conftest.py marks a test `gui` from the fixtures it uses, not from its module."""

from __future__ import annotations


def test_a_qtbot_test_is_marked_gui(qtbot, request):
    assert request.node.get_closest_marker("gui") is not None


def test_a_qapp_test_is_marked_gui(qapp, request):
    assert request.node.get_closest_marker("gui") is not None


def test_a_plain_test_is_not(request):
    assert request.node.get_closest_marker("gui") is None
