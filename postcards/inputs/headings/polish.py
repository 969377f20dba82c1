"""Polish headers: the Sejm, the Senat and Polish NGOs."""

# fmt: off
SENDERS: dict[str, tuple[str, ...]] = {
    "id": ("lp", "nr", "numer", "identyfikator"),
    "name": ("imię i nazwisko", "nazwisko i imię", "poseł", "posłanka", "nadawca"),
    "academic_title": ("tytuł naukowy", "stopień naukowy", "tytuł"),
    "given_name": ("imię", "imiona"),
    "family_name": ("nazwisko",),
    "title": ("stanowisko", "funkcja"),
    "parliament": ("parlament", "izba"),
    "group": ("klub", "klub poselski", "partia", "grupa", "ugrupowanie"),
    "country": ("kraj", "państwo"),
    "language": ("język",),
    "cards": ("liczba kartek", "kartki", "ilość kartek", "ilość", "liczba pocztówek",
              "pocztówki"),
    "return_address": ("adres zwrotny", "adres nadawcy", "adres"),
    "signature": ("podpis",),
    "email": ("adres e mail", "e mail", "poczta elektroniczna"),
    "notes": ("uwagi", "uwaga", "komentarz", "notatki"),
}

PRISONERS: dict[str, tuple[str, ...]] = {
    "id": ("lp", "nr", "numer", "identyfikator"),
    "name": ("imię i nazwisko", "nazwisko i imię", "więzień", "więźniarka",
             "więzień polityczny"),
    "given_name": ("imię", "imiona"),
    "family_name": ("nazwisko",),
    "patronymic": ("imię ojca", "otczestwo"),
    "name_dative": ("adresat", "komu", "celownik"),
    "name_latin": ("imię i nazwisko łacinką", "transliteracja"),
    "birth_year": ("data urodzenia", "rok urodzenia", "urodzony", "urodzona"),
    "institution": ("zakład karny", "więzienie", "kolonia karna", "kolonia",
                    "miejsce osadzenia", "areszt"),
    "address": ("adres",),
    "street": ("ulica",),
    "house": ("nr domu", "numer domu", "dom"),
    "postcode": ("kod pocztowy",),
    "city": ("miasto", "miejscowość"),
    "region": ("województwo", "obwód", "region"),
    "country": ("kraj", "państwo"),
    "language": ("język",),
    "status": ("status",),
    "photo": ("zdjęcie", "fotografia", "foto"),
    "sentence": ("wyrok", "kara"),
    "notes": ("uwagi", "uwaga", "komentarz", "notatki"),
}
# fmt: on
