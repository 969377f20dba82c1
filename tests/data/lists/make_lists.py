"""Make the held-out-style lists of tests/test_lists.py: lists as offices keep them.

Run ``python tests/data/lists/make_lists.py`` after a change; the files are committed so
the tests read bytes a user would have, not what this script happens to write today.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent


def _xlsx(name: str, title: str | None, rows: list[list[object]]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append([title])
        sheet.append([])
    for row in rows:
        sheet.append(row)
    book.save(HERE / name)


def main() -> None:
    _xlsx(
        "seimas.xlsx",
        "Seimo narių, pasirašančių atvirukus, sąrašas",
        [
            ["Nr.", "Vardas", "Pavardė", "Pareigos", "Frakcija", "Parlamentas",
             "Atvirukų sk.", "El. paštas", "Telefonas"],
            [1, "Ona", "Petraitė", "Seimo narė", "TS-LKD", "Lietuvos Respublikos Seimas", 3,
             "ona.petraite@lrs.lt", "+370 5 239 6000"],
            [2, "Jonas", "Kazlauskas", "Komiteto pirmininkas", "LSDP",
             "Lietuvos Respublikos Seimas", 2, "", ""],
            [3, "Rūta", "Žemaitienė", "Seimo narė", "LS", "Lietuvos Respublikos Seimas", 1,
             "", ""],
        ],
    )  # fmt: skip
    _xlsx(
        "bundestag.xlsx",
        None,
        [
            ["Lfd. Nr.", "Akad. Titel", "Vorname", "Nachname", "Funktion", "Fraktion",
             "Anzahl Karten", "Wahlkreis"],
            ["B1", "Dr.", "Hans", "Müller-Lüdenscheidt", "MdB", "SPD", 2, "Köln I"],
            ["B2", "", "Anna", "Zimmermann", "MdB", "CDU/CSU", 1, "Bonn"],
            ["B3", "Prof. Dr.", "Erika", "Albers", "Vizepräsidentin", "Grüne", 1, ""],
        ],
    )  # fmt: skip
    _xlsx(
        "unknown-name.xlsx",
        None,
        [
            ["Kennung", "Abgeordnete(r)", "Fraktion", "Kartenzahl"],
            ["K1", "Hans Müller", "SPD", 2],
        ],
    )  # fmt: skip


def _csv(name: str, lines: list[str]) -> None:
    """A list as Excel saves "CSV" in Russian Windows: cp1251, semicolons, CRLF."""
    (HERE / name).write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))


def prisoner_lists() -> None:
    head = "№;Фамилия;Имя;Отчество;Год рождения;Учреждение;Адрес;Индекс;Город;Язык;Статус"
    _csv(
        "statuses.csv",
        [
            head,
            "1;Иванов;Сергей;Петрович;1985;ИК № 9;ул. Заводская, 22;213 410;г. Горки;русский;"
            "в заключении (ШИЗО)",
            "2;Петрова;Анна;Ивановна;1992;СИЗО № 1;ул. Володарского, 2;220030;г. Минск;"
            "беларуская;освобождена",
            "3;Ковалёв;Алесь;;1979;ИК № 15;Славгородское шоссе, 183;212013;г. Могилёв;бел.;умер",
            "4;Сидорова;Мария;;1988;ИК № 4;ул. Советская, 1;246035;г. Гомель;рус.;умерла",
            "5;Новик;Павел;Олегович;1990;;;;;русский;этап",
            "6;Козлов;Дмитрий;;1975;ИК № 3;пос. Витьба;211300;Витебский р-н;русский;осуждён (ПКТ)",
        ],
    )
    _csv(
        "twins.csv",
        [
            "№;ФИО;Год рождения;Учреждение;Адрес;Индекс;Город",
            "1;Петров Иван Сергеевич;1980;ИК № 9;ул. Заводская, 22;213410;г. Горки",
            "2;Сидоров Павел;1985;ИК № 15;Славгородское шоссе, 183;212013;г. Могилёв",
            "17;Петрoв Иван Сергеевич;1980;ИК № 9;ул. Заводская, 22;213410;г. Горки",
        ],
    )
    _csv(
        "name-elsewhere.csv",
        [
            "id;name;ФИО полностью;Год рождения;Учреждение;Индекс;Город",
            "P1;;Иванов Сергей;1985;ИК № 9;213410;г. Горки",
            "P2;;Петрова Анна;1992;СИЗО № 1;220030;г. Минск",
            "P3;;Ковалёв Алесь;1979;ИК № 15;212013;г. Могилёв",
        ],
    )


if __name__ == "__main__":
    main()
    prisoner_lists()
