"""Latvian headers: the Saeima and Latvian NGOs."""

# fmt: off
SENDERS: dict[str, tuple[str, ...]] = {
    "id": ("nr", "npk", "numurs", "kods"),
    "name": ("vārds uzvārds", "vārds, uzvārds", "uzvārds vārds", "uzvārds, vārds",
             "deputāts", "deputāte", "sūtītājs"),
    "academic_title": ("zinātniskais grāds", "akadēmiskais grāds", "grāds"),
    "given_name": ("vārds",),
    "family_name": ("uzvārds",),
    "title": ("amats", "pozīcija"),
    "parliament": ("parlaments", "saeima"),
    "group": ("frakcija", "partija", "grupa"),
    "country": ("valsts",),
    "language": ("valoda",),
    "cards": ("kartīšu skaits", "kartītes", "pastkartes", "pastkaršu skaits", "skaits",
              "daudzums"),
    "return_address": ("atpakaļadrese", "sūtītāja adrese", "adrese", "pasta adrese"),
    "signature": ("paraksts",),
    "email": ("e pasts", "e pasta adrese"),
    "notes": ("piezīmes", "piezīme", "komentārs", "komentāri"),
}

PRISONERS: dict[str, tuple[str, ...]] = {
    "id": ("nr", "npk", "numurs", "kods"),
    "name": ("vārds uzvārds", "vārds, uzvārds", "uzvārds vārds", "uzvārds, vārds",
             "ieslodzītais", "ieslodzītā", "politieslodzītais"),
    "given_name": ("vārds",),
    "family_name": ("uzvārds",),
    "patronymic": ("tēvvārds",),
    "name_dative": ("kam", "saņēmējs", "vārds datīvā"),
    "name_latin": ("vārds latīņu burtiem", "transliterācija"),
    "birth_year": ("dzimšanas gads", "dzimšanas datums", "dzimis", "dzimusi"),
    "institution": ("iestāde", "cietums", "kolonija", "ieslodzījuma vieta"),
    "address": ("adrese", "pasta adrese"),
    "street": ("iela",),
    "house": ("mājas nr", "māja", "mājas numurs"),
    "postcode": ("pasta indekss", "indekss"),
    "city": ("pilsēta", "apdzīvota vieta"),
    "region": ("apgabals", "reģions", "novads"),
    "country": ("valsts",),
    "language": ("valoda",),
    "status": ("statuss", "stāvoklis"),
    "photo": ("foto", "fotogrāfija", "attēls"),
    "sentence": ("sods", "spriedums"),
    "notes": ("piezīmes", "piezīme", "komentārs", "komentāri"),
}
# fmt: on
