"""Writes the Excel 97-2003 test files beside this script: python make_xls.py

office-prisoners.xls is a list as an office keeps it: a title merged across the columns
and a date line above the header row, prisoners from row 4 (Cyrillic names, a date of
birth as a date cell, a postcode as a number cell, one formatted 00000, a year typed as
a number), a blank row between them, and a second sheet that is not read.
damaged.xls is that file cut short, as a broken download leaves it.

The files are kept in git; run this again only to change them (xlwt writes the same bytes).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlwt

HERE = Path(__file__).resolve().parent


def write_office_prisoners(path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Список")
    sheet.write_merge(0, 0, 0, 5, "Список политзаключённых для открыток")
    sheet.write(1, 0, "по состоянию на 01.12.2026")
    for column, header in enumerate(["ФИО", "Дата рождения", "Учреждение", "Индекс", "Город"]):
        sheet.write(3, column + 1, header)
    date = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    zeros = xlwt.easyxf(num_format_str="00000")
    rows = [
        ("Бяляцкі Алесь Віктаравіч", dt.date(1962, 9, 25), "ИК № 9", 213410, "г. Горки", None),
        ("Лосік Ігар", dt.date(1992, 4, 21), "ИК № 15", 211440, "г. Новополоцк", None),
        ("Калеснікава Марыя", 1982, "ИК № 4", 2134, "Гомель", zeros),
    ]
    for offset, (name, born, institution, postcode, city, style) in enumerate(rows):
        row = 4 + offset + (offset == 2)  # a blank row before the last prisoner
        sheet.write(row, 1, name)
        if isinstance(born, dt.date):
            sheet.write(row, 2, born, date)
        else:
            sheet.write(row, 2, born)
        sheet.write(row, 3, institution)
        sheet.write(row, 4, postcode, style) if style else sheet.write(row, 4, postcode)
        sheet.write(row, 5, city)
    book.add_sheet("Архив").write(0, 0, "не читается")
    book.save(str(path))


def main() -> None:
    office = HERE / "office-prisoners.xls"
    write_office_prisoners(office)
    (HERE / "damaged.xls").write_bytes(office.read_bytes()[:3000])


if __name__ == "__main__":
    main()
