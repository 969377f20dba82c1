"""Lithuanian headers: the Seimas and Lithuanian NGOs."""

# fmt: off
SENDERS: dict[str, tuple[str, ...]] = {
    "id": ("nr", "eil nr", "numeris", "kodas"),
    "name": ("vardas pavardė", "vardas, pavardė", "pavardė vardas", "pavardė, vardas",
             "seimo narys", "narys", "siuntėjas"),
    "academic_title": ("mokslo laipsnis", "mokslinis laipsnis", "akademinis laipsnis"),
    "given_name": ("vardas",),
    "family_name": ("pavardė",),
    "title": ("pareigos", "pareigybė"),
    "parliament": ("parlamentas", "seimas", "institucija"),
    "group": ("frakcija", "partija", "grupė"),
    "country": ("šalis", "valstybė"),
    "language": ("kalba",),
    "cards": ("atvirukų sk", "atvirukų skaičius", "atvirukai", "atvirukų", "kiekis"),
    "return_address": ("grąžinimo adresas", "atgalinis adresas", "adresas",
                       "pašto adresas"),
    "signature": ("parašas",),
    "email": ("el paštas", "el pašto adresas", "elektroninis paštas"),
    "notes": ("pastabos", "pastaba", "komentaras", "komentarai"),
}

PRISONERS: dict[str, tuple[str, ...]] = {
    "id": ("nr", "eil nr", "numeris", "kodas"),
    "name": ("vardas pavardė", "vardas, pavardė", "pavardė vardas", "pavardė, vardas",
             "kalinys", "politinis kalinys", "nuteistasis"),
    "given_name": ("vardas",),
    "family_name": ("pavardė",),
    "patronymic": ("tėvavardis",),
    "name_dative": ("kam", "gavėjas", "vardas naudininku"),
    "name_latin": ("vardas lotyniškai", "transliteracija"),
    "birth_year": ("gimimo metai", "gimimo data", "gimęs", "gimė"),
    "institution": ("įstaiga", "kalėjimas", "kolonija", "pataisos įstaiga",
                    "įkalinimo vieta"),
    "address": ("adresas", "pašto adresas"),
    "street": ("gatvė",),
    "house": ("namo nr", "namas", "namo numeris"),
    "postcode": ("pašto kodas", "indeksas"),
    "city": ("miestas", "gyvenvietė", "vietovė"),
    "region": ("regionas", "sritis", "apskritis"),
    "country": ("šalis", "valstybė"),
    "language": ("kalba",),
    "status": ("statusas", "būsena", "padėtis"),
    "photo": ("nuotrauka",),
    "sentence": ("bausmė", "nuosprendis"),
    "notes": ("pastabos", "pastaba", "komentaras", "komentarai"),
}
# fmt: on
