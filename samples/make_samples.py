"""Regenerate the bundled sample campaign: prisoners.csv, senders.xlsx and the motif.

Every person below is fictional.  The institutions are real Belarusian penal
institutions; their addresses are public, institutional ones, written here from memory
for demonstration and NOT checked against a current list (a real campaign uses the
current list of a human-rights organisation).

Run from the repository root (or anywhere):

    python samples/make_samples.py

The output is deterministic: the same script gives the same bytes.  It needs only the
standard library, openpyxl and Pillow.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PRISONERS_CSV = HERE / "prisoners.csv"
SENDERS_XLSX = HERE / "senders.xlsx"
MOTIF_JPG = ROOT / "templates" / "solidarity" / "motif.jpg"

# --------------------------------------------------------------------------------------
# Institutions: key -> (institution, address, postcode, city, region)
# --------------------------------------------------------------------------------------

IK4_FULL = ("Государственное учреждение «Исправительная колония № 4 управления "
            "Департамента исполнения наказаний Министерства внутренних дел Республики "
            "Беларусь по Гомельской области»")

INSTITUTIONS: dict[str, tuple[str, str, str, str, str]] = {
    "ik9": ("ИК № 9", "ул. Заводская, 22", "213410", "г. Горки", "Могилёвская обл."),
    "ik15": ("ИК № 15", "Славгородское шоссе, 183", "212013", "г. Могилёв",
             "Могилёвская обл."),
    "ik2": ("ИК № 2", "ул. Сикорского, 1", "213800", "г. Бобруйск", "Могилёвская обл."),
    "ik17": ("Исправительная колония № 17", "ул. Ленина, 1", "213004", "г. Шклов",
             "Могилёвская обл."),
    "ik4": ("ИК № 4", "ул. Антошкина, 3", "246035", "г. Гомель", "Гомельская обл."),
    "ik4_full": (IK4_FULL, "ул. Антошкина, 3", "246035", "г. Гомель", "Гомельская обл."),
    "ik20": ("ИК № 20", "ул. Пролетарская, 1", "247760", "г. Мозырь", "Гомельская обл."),
    "ik1": ("ИК № 1", "ул. Техническая, 8", "211440", "г. Новополоцк", "Витебская обл."),
    "ik13": ("Исправительная колония № 13", "ул. Ленина, 1", "211800", "г. Глубокое",
             "Витебская обл."),
    "ik11": ("ИК № 11", "ул. Жукова, 2", "231900", "г. Волковыск", "Гродненская обл."),
    "ik22": ("ИК № 22", "Ивацевичский р-н", "225295", "п. Доманово", "Брестская обл."),
    "sizo1": ("СИЗО № 1", "ул. Володарского, 2", "220030", "г. Минск", ""),
    "sizo7": ("СИЗО № 7", "ул. Будённого, 1", "224030", "г. Брест", "Брестская обл."),
    "t1": ("Тюрьма № 1", "ул. Кирова, 1", "230023", "г. Гродно", "Гродненская обл."),
    "t4": ("Тюрьма № 4", "ул. Крупской, 99а", "212030", "г. Могилёв", "Могилёвская обл."),
    "t8": ("Тюрьма № 8", "ул. Советская, 22а", "222163", "г. Жодино", "Минская обл."),
    # The same places written in Belarusian, as some lists do.
    "be_ik9": ("ПК № 9", "вул. Заводская, 22", "213410", "г. Горкі", "Магілёўская вобл."),
    "be_ik4": ("ПК № 4", "вул. Антошкіна, 3", "246035", "г. Гомель", "Гомельская вобл."),
    "be_sizo1": ("СІЗА № 1", "вул. Валадарскага, 2", "220030", "г. Мінск", ""),
    "be_t1": ("Турма № 1", "вул. Кірава, 1", "230023", "г. Гродна", "Гродзенская вобл."),
}

# --------------------------------------------------------------------------------------
# Prisoners (all fictional).  Columns of a row:
#   id, name, name_dative, birth_year, institution key, language, status, sentence,
#   notes, address override (None = the institution's address)
# --------------------------------------------------------------------------------------

PRISONERS: list[tuple] = [
    ("P001", "Соколов Дмитрий Александрович", "Соколову Дмитрию Александровичу", "1984",
     "ik9", "ru", "in_custody", "6 лет", "", None),
    ("P002", "Лебедев Павел Игоревич", "Лебедеву Павлу Игоревичу", "1979",
     "ik15", "ru", "in_custody", "4 года", "", None),
    ("P003", "Ковалёва Мария Андреевна", "Ковалёвой Марии Андреевне", "1990",
     "ik4_full", "ru", "in_custody", "3 года 6 месяцев",
     "полное официальное название учреждения", None),
    ("P004", "Кавалёў Алесь Пятровіч", "Кавалёву Алесю Пятровічу", "1987",
     "be_ik9", "be", "in_custody", "5 гадоў", "", None),
    ("P005", "Новиков Вячеслав Андреевич", "Новикову Вячеславу Андреевичу", "1972",
     "ik2", "ru", "in_custody", "8 лет", "", "ул. Сикорского, 1\nотряд № 5"),
    ("P006", "Морозова Елена Сергеевна", "Морозовой Елене Сергеевне", "1968",
     "ik4", "ru", "in_custody", "2 года 6 месяцев", "", None),
    ("P007", "Козлов Андрей Викторович", "Козлову Андрею Викторовичу", "1978",
     "ik15", "ru", "in_custody", "5 лет", "тёзка P008", None),
    ("P008", "Козлов Андрей Викторович", "Козлову Андрею Викторовичу", "1991",
     "ik15", "ru", "in_custody", "3 года", "тёзка P007", None),
    ("P009", "Шевчук Олег Николаевич", "Шевчуку Олегу Николаевичу", "1983",
     "sizo1", "ru", "in_custody", "", "до суда", None),
    ("P010", "Зайцева Ольга Владимировна", "Зайцевой Ольге Владимировне", "1995",
     "sizo1", "ru", "in_custody", "", "до суда", None),
    ("P011", "Мацкевич Игорь Леонидович", "Мацкевичу Игорю Леонидовичу", "1975",
     "t8", "ru", "in_custody", "3 года", "", None),
    ("P012", "Гордеев Никита Сергеевич", "Гордееву Никите Сергеевичу", "2001",
     "ik1", "ru", "in_custody", "2 года", "", None),
    ("P013", "Жукоўскі Зміцер Уладзіміравіч", "Жукоўскаму Зміцеру Уладзіміравічу", "1980",
     "t4", "be", "in_custody", "7 гадоў", "", None),
    ("P014", "Белова Наталья Юрьевна", "Беловой Наталье Юрьевне", "1977",
     "ik4", "ru", "released", "1 год 6 месяцев", "освобождена", None),
    ("P015", "Тарасов Илья Дмитриевич", "Тарасову Илье Дмитриевичу", "1998",
     "ik22", "ru", "in_custody", "3 года", "", None),
    ("P016", "Марозава Ганна Міхайлаўна", "Марозавай Ганне Міхайлаўне", "1985",
     "be_ik4", "be", "in_custody", "4 гады", "", None),
    ("P017", "Романов Виктор Алексеевич", "Романову Виктору Алексеевичу", "1961",
     "t1", "ru", "in_custody", "10 лет", "", None),
    ("P018", "Кузнецова Ирина Павловна", "Кузнецовой Ирине Павловне", "1982",
     "ik4", "ru", "", "5 лет", "", None),
    ("P019", "Федоренко Максим Олегович", "Федоренко Максиму Олеговичу", "1993",
     "ik20", "ru", "in_custody", "4 года 6 месяцев", "", None),
    ("P020", "Лукашэвіч Андрэй Мікалаевіч", "Лукашэвічу Андрэю Мікалаевічу", "1989",
     "ik11", "be", "in_custody", "6 гадоў", "", None),
    ("P021", "Орлов Константин Евгеньевич", "Орлову Константину Евгеньевичу", "1970",
     "ik13", "ru", "deceased", "9 лет", "", None),
    ("P022", "Смирнова Татьяна Игоревна", "Смирновой Татьяне Игоревне", "1988",
     "ik4", "ru", "in_custody", "3 года", "", None),
    ("P023", "Васильев Денис Михайлович", "Васильеву Денису Михайловичу", "1986",
     "ik22", "ru", "in_custody", "5 лет", "", None),
    ("P024", "Шаўчук Кацярына Ігараўна", "Шаўчук Кацярыне Ігараўне", "1994",
     "be_sizo1", "be", "in_custody", "", "да суда", None),
    ("P025", "Пономарёв Артём Вадимович", "Пономарёву Артёму Вадимовичу", "1997",
     "ik9", "ru", "released", "2 года", "освобождён", None),
    ("P026", "Григорьева Юлия Олеговна", "Григорьевой Юлии Олеговне", "1991",
     "ik4", "ru", "in_custody", "4 года", "", None),
    ("P027", "Семёнов Алексей Николаевич", "Семёнову Алексею Николаевичу", "",
     "ik15", "ru", "in_custody", "3 года 6 месяцев", "год рождения неизвестен", None),
    ("P028", "Сцяпанаў Сяргей Іванавіч", "Сцяпанаву Сяргею Іванавічу", "1966",
     "ik17", "be", "in_custody", "8 гадоў", "", None),
    ("P029", "Полякова Светлана Викторовна", "Поляковой Светлане Викторовне", "1974",
     "t8", "ru", "unknown", "", "нет сведений о месте содержания", None),
    ("P030", "Ефимов Роман Геннадьевич", "Ефимову Роману Геннадьевичу", "1990",
     "ik22", "ru", "in_custody", "6 лет", "", None),
    ("P031", "Бондаренко Анна Сергеевна", "Бондаренко Анне Сергеевне", "1999",
     "ik4", "ru", "", "2 года", "", None),
    ("P032", "Захаров Евгений Павлович", "Захарову Евгению Павловичу", "1981",
     "ik2", "ru", "in_custody", "5 лет", "", None),
    ("P033", "Кірылаў Павел Андрэевіч", "Кірылаву Паўлу Андрэевічу", "1976",
     "ik15", "be", "in_custody", "7 гадоў", "", None),
    ("P034", "Макаров Станислав Ильич", "", "1985",
     "ik1", "ru", "in_custody", "4 года", "", None),
    ("P035", "Алексеева Вероника Дмитриевна", "", "1996",
     "ik4", "ru", "in_custody", "3 года", "", None),
    ("P036", "Тихомиров Глеб Андреевич", "Тихомирову Глебу Андреевичу", "2000",
     "sizo7", "ru", "in_custody", "", "до суда", None),
    ("P037", "Радзевіч Алена Уладзіміраўна", "Радзевіч Алене Уладзіміраўне", "1983",
     "ik4", "be", "in_custody", "3 гады", "", None),
    ("P038", "Степанов Артур Валерьевич", "Степанову Артуру Валерьевичу", "1992",
     "ik17", "ru", "released", "2 года 6 месяцев", "освобождён", None),
    ("P039", "Волкова Дарья Александровна", "Волковой Дарье Александровне", "2002",
     "sizo7", "ru", "in_custody", "", "до суда", None),
    ("P040", "Латышев Вадим Борисович", "Латышеву Вадиму Борисовичу", "1969",
     "ik20", "ru", "in_custody", "11 лет", "", None),
    ("P041", "Саковіч Уладзімір Міхайлавіч", "Саковічу Уладзіміру Міхайлавічу", "1973",
     "be_t1", "be", "in_custody", "9 гадоў", "", None),
    ("P042", "Кравченко Юрий Степанович", "Кравченко Юрию Степановичу", "1964",
     "ik13", "ru", "in_custody", "4 года", "", None),
    ("P043", "Осипова Кристина Евгеньевна", "Осиповой Кристине Евгеньевне", "1998",
     "ik4", "ru", "in_custody", "3 года", "", None),
    ("P044", "Грыцкевіч Мікалай Антонавіч", "Грыцкевічу Мікалаю Антонавічу", "1958",
     "ik2", "be", "in_custody", "5 гадоў", "", None),
    ("P045", "Данилов Кирилл Романович", "Данилову Кириллу Романовичу", "1995",
     "ik11", "ru", "", "3 года", "", None),
    ("P046", "Яўменава Святлана Пятроўна", "Яўменавай Святлане Пятроўне", "1979",
     "ik4", "be", "in_custody", "4 гады", "", None),
    ("P047", "Руденко Михаил Аркадьевич", "Руденко Михаилу Аркадьевичу", "1980",
     "ik9", "ru", "in_custody", "6 лет 6 месяцев", "", None),
    ("P048", "Комарова Людмила Николаевна", "Комаровой Людмиле Николаевне", "1962",
     "ik4", "ru", "in_custody", "6 лет", "", None),
    ("P049", "Казлоўскі Дзяніс Раманавіч", "Казлоўскаму Дзянісу Раманавічу", "1988",
     "ik2", "be", "in_custody", "4 гады", "", None),
    ("P050", "Никитин Тимур Олегович", "Никитину Тимуру Олеговичу", "",
     "ik1", "ru", "in_custody", "2 года", "", None),
]

PRISONER_COLUMNS = ["id", "name", "name_dative", "name_latin", "birth_year", "institution",
                    "address", "postcode", "city", "region", "country", "language",
                    "status", "sentence", "photo", "notes"]

# Rows whose country cell is left empty (the default, BELARUS, applies).
EMPTY_COUNTRY = {"P006", "P012", "P017", "P022", "P031", "P036", "P042", "P048"}

# --------------------------------------------------------------------------------------
# Transliteration for name_latin (passport-like, ASCII)
# --------------------------------------------------------------------------------------

_RU = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
       "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
       "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
       "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
       "я": "ya"}
_BE = {"а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "ё": "io",
       "ж": "zh", "з": "z", "і": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
       "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ў": "u", "ф": "f",
       "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "ы": "y", "ь": "", "э": "e", "ю": "iu",
       "я": "ia", "'": "", "’": ""}
_IOTATED_START = {"е": "ye", "ё": "yo", "ю": "yu", "я": "ya"}
_VOWELS = set("аеёиоуыэюяіў")


def transliterate(text: str, language: str) -> str:
    """Cyrillic to ASCII Latin, Russian (BGN-like) or Belarusian (national system)."""
    table = _BE if language == "be" else _RU
    out, prev = [], " "
    for ch in text:
        low = ch.lower()
        if low in table:
            after_vowel = prev == " " or prev in _VOWELS or prev in "ьъ'’"
            iotated = low in _IOTATED_START and after_vowel
            latin = _IOTATED_START[low] if iotated else table[low]
            out.append(latin[:1].upper() + latin[1:] if ch != low else latin)
        else:
            out.append(ch)
        prev = low
    return "".join(out)


def prisoner_rows() -> list[dict[str, str]]:
    """The prisoner list as CSV rows."""
    rows = []
    for (pid, name, dative, born, key, lang, status, sentence, notes, address) in PRISONERS:
        institution, street, postcode, city, region = INSTITUTIONS[key]
        rows.append({
            "id": pid, "name": name, "name_dative": dative,
            "name_latin": transliterate(name, lang), "birth_year": born,
            "institution": institution, "address": address or street,
            "postcode": postcode, "city": city, "region": region,
            "country": "" if pid in EMPTY_COUNTRY else "BELARUS", "language": lang,
            "status": status, "sentence": sentence, "photo": "", "notes": notes,
        })
    return rows


def write_prisoners(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=PRISONER_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(prisoner_rows())


# --------------------------------------------------------------------------------------
# Senders (all fictional).  Headers differ from our field names on purpose.
# --------------------------------------------------------------------------------------

SENDER_HEADERS = ["ID", "Full name", "Title", "Parliament", "Political group", "Country",
                  "Language", "Cards", "Email"]

# Each parliament has its postal address in campaign.toml's [return_addresses] (a test
# checks that every sender's cards get their own parliament's): add one with a parliament.
EP = "European Parliament"
BT = "Bundestag"
SEJM = "Sejm RP"
SEIMAS = "Seimas"
PSP = "Poslanecká sněmovna"
DAIL = "Dáil Éireann"

# id, name, title, parliament, group, country, language, cards (None = no cap)
SENDERS: list[tuple] = [
    ("S01", "Anneke Vermeulen", "MEP", EP, "EPP", "Netherlands", "en", 3),
    ("S02", "Małgorzata Żurawska", "MEP", EP, "S&D", "Poland", "pl", 4),
    ("S03", "Dovilė Šimkutė", "MEP", EP, "Renew Europe", "Lithuania", "lt", 2),
    ("S04", "Henrik Lindqvist", "MEP", EP, "Greens/EFA", "Sweden", "en", 3),
    ("S05", "Giulia Ferraresi", "MEP", EP, "S&D", "Italy", "en", 2),
    ("S06", "Tomáš Dvořáček", "MEP", EP, "EPP", "Czechia", "cs", 3),
    ("S07", "Órla Ní Dhubhghaill", "MEP", EP, "Renew Europe", "Ireland", "ga", 2),
    ("S08", "Éloïse Marchetti-Roux", "MEP", EP, "Greens/EFA", "France", "en", None),
    ("S09", "Jürgen Weißhaupt", "MdB", BT, "SPD", "Germany", "de", 3),
    ("S10", "Dörte Großmüller", "MdB", BT, "Bündnis 90/Die Grünen", "Germany", "de", 4),
    ("S11", "Björn Süßmann", "MdB", BT, "CDU/CSU", "Germany", "de", 2),
    ("S12", "Sönke Straßburger", "MdB", BT, "FDP", "Germany", "de", 1),
    ("S13", "Grzegorz Błażejczyk", "Poseł na Sejm", SEJM, "Koalicja Obywatelska", "Poland",
     "pl", 3),
    ("S14", "Agnieszka Źródłowska", "Posłanka na Sejm", SEJM, "Polska 2050", "Poland",
     "pl", 2),
    ("S15", "Mikołaj Ćwierdziński", "Poseł na Sejm", SEJM, "PSL", "Poland", "pl", 4),
    ("S16", "Halina Świątek-Sęk", "Posłanka na Sejm", SEJM, "Lewica", "Poland", "pl", 3),
    ("S17", "Rūta Žilvinskienė", "Seimo narė", SEIMAS,
     "Tėvynės sąjungos–Lietuvos krikščionių demokratų frakcija", "Lithuania", "lt", 3),
    ("S18", "Kęstutis Ąžuolaitis", "Seimo narys", SEIMAS, "Liberalų sąjūdžio frakcija",
     "Lithuania", "lt", 2),
    ("S19", "Ugnė Bučiūnaitė", "Seimo narė", SEIMAS, "Socialdemokratų frakcija",
     "Lithuania", "lt", 4),
    ("S20", "Šarūnas Įgulis", "Seimo narys", SEIMAS, "", "Lithuania", "lt", 2),
    ("S21", "Věra Žďárská", "poslankyně", PSP, "Piráti", "Czechia", "cs", 3),
    ("S22", "Ondřej Kůrka", "poslanec", PSP, "ODS", "Czechia", "cs", 2),
    ("S23", "Zdeňka Koťátková", "poslankyně", PSP, "STAN", "Czechia", "cs", 4),
    ("S24", "René Sýkora", "poslanec", PSP, "KDU-ČSL", "Czechia", "cs", 6),
    ("S25", "Éamonn Ó Ríordáin", "TD", DAIL, "Fianna Fáil", "Ireland", "ga", 3),
    ("S26", "Úna Ní Bhraonáin", "TD", DAIL, "Sinn Féin", "Ireland", "ga", 2),
    ("S27", "Íde Ní Chatháin", "TD", DAIL, "Social Democrats", "Ireland", "en", 3),
]

_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "đ": "d"})


def email_for(name: str) -> str:
    """A fictional address at example.org: ASCII first.last."""
    ascii_name = unicodedata.normalize("NFKD", name.translate(_FOLD))
    ascii_name = ascii_name.encode("ascii", "ignore").decode().lower()
    return ".".join(ascii_name.replace("-", " ").split()) + "@example.org"


# A fixed timestamp, so that the xlsx is byte-identical from run to run.
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
FIXED_ISO = "2026-01-01T00:00:00Z"


def write_senders(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Senders"
    ws.append(SENDER_HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for sid, name, title, parliament, group, country, lang, cards in SENDERS:
        ws.append([sid, name, title, parliament, group or None, country, lang, cards,
                   email_for(name)])
    widths = [6, 26, 18, 22, 50, 13, 10, 7, 36]
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_normalise_zip(buffer.getvalue()))


def _normalise_zip(data: bytes) -> bytes:
    """Fixed entry times and document dates: the same workbook gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _fix_dates(body.decode("utf-8")).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def _fix_dates(xml: str) -> str:
    for tag in ("dcterms:created", "dcterms:modified"):
        start = xml.find(f"<{tag}")
        if start < 0:
            continue
        open_end = xml.index(">", start) + 1
        close = xml.index(f"</{tag}>", open_end)
        xml = xml[:open_end] + FIXED_ISO + xml[close:]
    return xml


# --------------------------------------------------------------------------------------
# Motif: a meadow of wildflowers under a soft sky, a few birds; no flag, no text
# --------------------------------------------------------------------------------------
# A card's front must be neutral: a censor withholds a card that shows a flag or political
# colours, and its reader can be punished for it.  So: a landscape in natural pastels,
# no stripes, no lettering.

MOTIF_SIZE = (1800, 1300)  # the drawing's own units
SCALE = 2  # drawn at twice the size and reduced, for smooth edges
# 300 dpi on every bundled size with 3 mm bleed: DL's 226 mm wide cover needs 2669 px.
MOTIF_PIXELS = (2700, 1950)

SKY_TOP = (176, 206, 226)
SKY_LOW = (246, 236, 218)
SUN = (252, 240, 204)
CLOUD = (252, 250, 246)
HILLS = [  # far to near: (base y, amplitude, phase, colour)
    (820, 40, 0.4, (190, 208, 186)),
    (900, 46, 2.1, (166, 196, 150)),
    (1000, 40, 4.0, (142, 182, 120)),
    (1110, 30, 1.2, (120, 166, 100)),
]
STEM = (92, 132, 76)
FLOWERS = [  # petal, centre: cornflower, buttercup, cosmos, lilac, chamomile, poppy (few)
    ((104, 142, 214), (70, 90, 150)),
    ((244, 206, 82), (210, 150, 50)),
    ((236, 168, 196), (226, 196, 96)),
    ((176, 150, 210), (236, 210, 110)),
    ((250, 248, 240), (238, 190, 60)),
    ((232, 132, 112), (90, 60, 50)),
]
FLOWER_WEIGHTS = [5, 5, 4, 4, 5, 1]
BIRD = (96, 104, 118)


def _hill(x: float, base: float, amp: float, phase: float) -> float:
    """A rolling hill line: one long swell and a smaller one on it."""
    w = MOTIF_SIZE[0]
    return (base + amp * math.sin(2 * math.pi * x / (1.1 * w) + phase)
            + 0.4 * amp * math.sin(2 * math.pi * x / (0.37 * w) + 2.3 * phase))


def _sky(img: Image.Image) -> None:
    """A vertical gradient from a soft blue to a warm cream at the horizon."""
    draw = ImageDraw.Draw(img)
    w, h = img.size
    low = 900 * SCALE
    for y in range(0, low):
        t = (y / low) ** 1.3
        colour = tuple(round(a + (b - a) * t) for a, b in zip(SKY_TOP, SKY_LOW, strict=True))
        draw.line([(0, y), (w, y)], fill=colour)
    draw.rectangle([(0, low), (w, h)], fill=SKY_LOW)


def _cloud(draw: ImageDraw.ImageDraw, cx: float, cy: float, k: float) -> None:
    for dx, dy, r in [(-90, 10, 50), (-30, -20, 70), (50, -5, 60), (110, 15, 40), (10, 25, 55)]:
        x, y, rr = (cx + dx * k) * SCALE, (cy + dy * k) * SCALE, r * k * SCALE
        draw.ellipse([(x - rr, y - rr * 0.8), (x + rr, y + rr * 0.8)], fill=CLOUD)
    draw.rectangle([((cx - 130 * k) * SCALE, (cy + 20 * k) * SCALE),
                    ((cx + 150 * k) * SCALE, (cy + 45 * k) * SCALE)], fill=CLOUD)


def _hills(draw: ImageDraw.ImageDraw) -> None:
    w, h = MOTIF_SIZE
    xs = [i * w / 240 for i in range(241)]
    for base, amp, phase, colour in HILLS:
        top = [(x * SCALE, _hill(x, base, amp, phase) * SCALE) for x in xs]
        draw.polygon(top + [(w * SCALE, h * SCALE), (0, h * SCALE)], fill=colour)


def _flower(draw: ImageDraw.ImageDraw, x: float, y: float, r: float, kind: int,
            turn: float) -> None:
    """A flower head seen from the front: five or six round petals and a centre."""
    petal, centre = FLOWERS[kind]
    n = 6 if kind in (1, 4) else 5
    s = SCALE
    for i in range(n):
        a = turn + 2 * math.pi * i / n
        px, py = x + r * 0.62 * math.cos(a), y + r * 0.62 * math.sin(a) * 0.8
        pr = r * 0.48
        draw.ellipse([((px - pr) * s, (py - pr * 0.8) * s), ((px + pr) * s, (py + pr * 0.8) * s)],
                     fill=petal)
    cr = r * 0.3
    draw.ellipse([((x - cr) * s, (y - cr * 0.8) * s), ((x + cr) * s, (y + cr * 0.8) * s)],
                 fill=centre)


def _meadow(draw: ImageDraw.ImageDraw, rng) -> None:
    """Flowers scattered over the near hills, smaller towards the horizon."""
    w, h = MOTIF_SIZE
    heads = []
    for _ in range(260):
        x = rng.uniform(-20, w + 20)
        horizon = _hill(x, *HILLS[1][:3]) + 30
        depth = rng.random() ** 0.7  # more flowers in front
        y = horizon + depth * (h + 30 - horizon)
        r = 6 + 34 * ((y - horizon) / (h - horizon)) ** 1.4
        kind = rng.choices(range(len(FLOWERS)), weights=FLOWER_WEIGHTS)[0]
        heads.append((y, x, r, kind, rng.uniform(0, math.pi)))
    heads.sort()
    s = SCALE
    for y, x, r, kind, turn in heads:
        sway = rng.uniform(-0.25, 0.25) * r
        draw.line([((x + sway) * s, (y + 3.2 * r) * s), (x * s, y * s)], fill=STEM,
                  width=max(2, round(r * 0.14 * s)))
        if r > 16:
            lx = x + sway * 0.5
            draw.ellipse([((lx - r * 0.55) * s, (y + 1.7 * r) * s),
                          ((lx + 0.05 * r) * s, (y + 2.0 * r) * s)], fill=STEM)
        _flower(draw, x, y, r, kind, turn)


def _bird(draw: ImageDraw.ImageDraw, x: float, y: float, k: float) -> None:
    """A bird in flight, far away: two curved wing strokes."""
    s = SCALE
    for side in (-1, 1):
        pts = [(x + side * k * 30 * t, y - k * 14 * math.sin(math.pi * t) + k * 4 * t)
               for t in [i / 12 for i in range(13)]]
        draw.line([(px * s, py * s) for px, py in pts], fill=BIRD,
                  width=max(2, round(3.2 * k * s)), joint="curve")


def draw_motif() -> Image.Image:
    """The front of the bundled design, drawn from nothing so that it is ours to give."""
    import random

    w, h = MOTIF_SIZE
    img = Image.new("RGB", (w * SCALE, h * SCALE), SKY_LOW)
    _sky(img)
    draw = ImageDraw.Draw(img)
    cx, cy, r = 1450, 560, 110
    draw.ellipse([((cx - r) * SCALE, (cy - r) * SCALE), ((cx + r) * SCALE, (cy + r) * SCALE)],
                 fill=SUN)
    _cloud(draw, 330, 560, 1.0)
    _cloud(draw, 1150, 700, 0.7)
    for bx, by, k in [(930, 520, 1.0), (1010, 470, 0.8), (1080, 540, 0.65), (1200, 430, 0.55)]:
        _bird(draw, bx, by, k)
    _hills(draw)
    _meadow(draw, random.Random(2026))
    return img.resize(MOTIF_PIXELS, Image.LANCZOS)


def write_motif(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # JPEG: a PDF embeds it as it is, where a PNG is decoded and recompressed per run.
    draw_motif().save(path, format="JPEG", quality=80, subsampling=2, optimize=True)


def main() -> None:
    write_prisoners(PRISONERS_CSV)
    write_senders(SENDERS_XLSX)
    write_motif(MOTIF_JPG)
    for path in (PRISONERS_CSV, SENDERS_XLSX, MOTIF_JPG):
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
