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
# Motif: white-red-white wave and a geometric dove, flat colours, no text
# --------------------------------------------------------------------------------------

MOTIF_SIZE = (2700, 1950)
SCALE = 2  # drawn at twice the size and reduced, for smooth edges

PAPER = (246, 242, 235)
SUN = (238, 230, 219)
WHITE = (255, 255, 255)
RED = (196, 40, 44)
RED_DARK = (160, 30, 36)
EDGE = (222, 214, 203)
DOVE_SHADE = (233, 229, 224)
DOVE_LINE = (150, 140, 132)
LEAF = (120, 140, 96)
STEM = (98, 112, 78)


def _wave(x: float, base: float, amp: float, phase: float) -> float:
    """A gentle wave: one long swell with a smaller ripple on it."""
    w = MOTIF_SIZE[0]
    return (base + amp * math.sin(2 * math.pi * x / (1.35 * w) + phase)
            + 0.25 * amp * math.sin(2 * math.pi * x / (0.55 * w) + 1.3 * phase))


def _band(draw: ImageDraw.ImageDraw, top: tuple, bottom: tuple, fill: tuple) -> None:
    """Fill between two wave curves, each given as (base, amplitude, phase)."""
    s, w = SCALE, MOTIF_SIZE[0]
    xs = [i * w / 180 for i in range(181)]
    upper = [(x * s, _wave(x, *top) * s) for x in xs]
    lower = [(x * s, _wave(x, *bottom) * s) for x in reversed(xs)]
    draw.polygon(upper + lower, fill=fill)


def _bezier_path(start, segments, steps: int = 20) -> list[tuple[float, float]]:
    """Points along a chain of cubic Bézier segments, each (control1, control2, end)."""
    pts, p0 = [start], start
    for c1, c2, p3 in segments:
        for i in range(1, steps + 1):
            t = i / steps
            u = 1 - t
            pts.append((u ** 3 * p0[0] + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0]
                        + t ** 3 * p3[0],
                        u ** 3 * p0[1] + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1]
                        + t ** 3 * p3[1]))
        p0 = p3
    return pts


def _feathers(start, tips_and_notches) -> list[tuple]:
    """Bézier segments through alternating feather tips and notches (gently bowed)."""
    segments, p0 = [], start
    for p3 in tips_and_notches:
        dx, dy = p3[0] - p0[0], p3[1] - p0[1]
        bow = (dy * 0.18, -dx * 0.18)
        segments.append(((p0[0] + dx / 3 + bow[0], p0[1] + dy / 3 + bow[1]),
                         (p0[0] + 2 * dx / 3 + bow[0], p0[1] + 2 * dy / 3 + bow[1]), p3))
        p0 = p3
    return segments


# The dove in its own coordinates: facing left, x to the right, y down.
DOVE_BODY = _bezier_path((-200, -30), [
    ((-200, -55), (-185, -75), (-160, -75)),      # forehead to crown
    ((-135, -75), (-120, -60), (-112, -45)),      # nape
    ((-90, -20), (40, -28), (150, -8)),           # back
    ((200, -16), (260, -36), (310, -52)),         # upper tail edge
] + _feathers((310, -52), [(292, -16), (330, 8), (292, 30), (306, 66)]) + [
    ((250, 60), (200, 50), (150, 42)),            # under the tail
    ((80, 104), (-60, 104), (-112, 48)),          # belly
    ((-150, 30), (-182, 18), (-192, 0)),          # chest and throat
    ((-198, -10), (-200, -20), (-200, -30)),
])
DOVE_NEAR_WING = _bezier_path((-80, -35), [
    ((-70, -170), (60, -300), (178, -342)),       # leading edge to the tip
] + _feathers((178, -342), [(178, -272), (242, -300), (210, -216), (272, -226),
                            (218, -152), (268, -140), (190, -96), (232, -58)]) + [
    ((170, -30), (120, -18), (70, -15)),
    ((20, -15), (-40, -25), (-80, -35)),
])
DOVE_FAR_WING = _bezier_path((-120, -45), [
    ((-130, -150), (-80, -250), (-6, -300)),
] + _feathers((-6, -300), [(0, -240), (44, -250), (18, -180), (60, -170), (10, -110)]) + [
    ((-20, -60), (-60, -40), (-120, -45)),
])
DOVE_BEAK = [(-198, -36), (-242, -18), (-196, -8)]
DOVE_EYE = (-163, -40, 7)
OLIVE_STEM = [(-300, 6), (-268, 0), (-238, -4), (-214, -14)]
OLIVE_LEAVES = [(-292, -12, -40), (-282, 20, 35), (-250, -20, -35), (-246, 16, 30),
                (-318, 4, 0)]


def _place(points, ox: float, oy: float, k: float, angle_deg: float):
    """Dove coordinates to supersampled image coordinates (scale, rotate, move)."""
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    return [((ox + k * (x * ca - y * sa)) * SCALE, (oy + k * (x * sa + y * ca)) * SCALE)
            for x, y in points]


def _ellipse_pts(cx, cy, rx, ry, angle_deg, n=48):
    a = math.radians(angle_deg)
    pts = []
    for i in range(n):
        t = 2 * math.pi * i / n
        x, y = rx * math.cos(t), ry * math.sin(t)
        pts.append((cx + x * math.cos(a) - y * math.sin(a),
                    cy + x * math.sin(a) + y * math.cos(a)))
    return pts


def _draw_dove(draw: ImageDraw.ImageDraw, ox: float, oy: float, k: float,
               angle: float) -> None:
    """A stylised dove with an olive twig, flying up and to the left."""
    def place(points):
        return _place(points, ox, oy, k, angle)

    line = max(2, round(2.5 * k * SCALE))
    draw.line(place(OLIVE_STEM), fill=STEM, width=round(6 * k * SCALE), joint="curve")
    for cx, cy, ang in OLIVE_LEAVES:
        draw.polygon(place(_ellipse_pts(cx, cy, 22, 8, ang)), fill=LEAF)
    draw.polygon(place(DOVE_FAR_WING), fill=DOVE_SHADE, outline=DOVE_LINE, width=line)
    draw.polygon(place(DOVE_BODY), fill=WHITE, outline=DOVE_LINE, width=line)
    draw.polygon(place(DOVE_BEAK), fill=RED)
    ex, ey, er = DOVE_EYE
    draw.polygon(place(_ellipse_pts(ex, ey, er, er, 0, 24)), fill=DOVE_LINE)
    draw.polygon(place(DOVE_NEAR_WING), fill=WHITE, outline=DOVE_LINE, width=line)


def draw_motif() -> Image.Image:
    w, h = MOTIF_SIZE
    s = SCALE
    img = Image.new("RGB", (w * s, h * s), PAPER)
    draw = ImageDraw.Draw(img)
    # A pale sun behind the dove.
    cx, cy, r = 1930, 860, 400
    draw.ellipse([((cx - r) * s, (cy - r) * s), ((cx + r) * s, (cy + r) * s)], fill=SUN)
    # White-red-white flag as a wave across the lower part.
    phase = 0.9
    _band(draw, (1090, 60, phase), (1750, 60, phase), EDGE)           # soft edge
    _band(draw, (1098, 60, phase), (1742, 60, phase), WHITE)
    _band(draw, (1312, 60, phase + 0.05), (1528, 60, phase + 0.05), RED)
    _band(draw, (1490, 60, phase + 0.05), (1528, 60, phase + 0.05), RED_DARK)
    _draw_dove(draw, 1900, 960, 1.3, 12)
    return img.resize((w, h), Image.LANCZOS)


def write_motif(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # JPEG: a PDF embeds it as it is, where a PNG is decoded and recompressed per run.
    draw_motif().save(path, format="JPEG", quality=92, subsampling=0, optimize=True)


def main() -> None:
    write_prisoners(PRISONERS_CSV)
    write_senders(SENDERS_XLSX)
    write_motif(MOTIF_JPG)
    for path in (PRISONERS_CSV, SENDERS_XLSX, MOTIF_JPG):
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
