"""X-4 name search and COD-19 d duplicate names compare names in one normal form."""

from dozvon.customers.rules import name_key


def test_name_key_ignores_case_yo_and_spacing_x_4():
    assert name_key("  Пётр   ФЁДОРОВ\tИльич ") == "петр федоров ильич"
    assert name_key("Петр Федоров Ильич") == name_key("ПЁТР  федоров ильич")


def test_name_key_keeps_different_names_apart_cod_19d():
    assert name_key("Иванов Иван") != name_key("Иванова Ивана")
