"""Czech headers: the Poslanecká sněmovna, the Senát and Czech NGOs."""

# fmt: off
SENDERS: dict[str, tuple[str, ...]] = {
    "id": ("č", "číslo", "pořadí", "poř č"),
    "name": ("jméno a příjmení", "celé jméno", "příjmení a jméno", "poslanec",
             "poslankyně", "odesílatel"),
    "academic_title": ("titul", "tituly", "titul před jménem", "akademický titul"),
    "given_name": ("jméno", "křestní jméno"),
    "family_name": ("příjmení",),
    "title": ("funkce", "pozice"),
    "parliament": ("sněmovna", "komora"),
    "group": ("klub", "poslanecký klub", "strana", "politická strana"),
    "country": ("země", "stát"),
    "language": ("jazyk",),
    "cards": ("počet pohlednic", "pohlednice", "počet", "množství"),
    "return_address": ("zpáteční adresa", "adresa odesílatele", "adresa"),
    "signature": ("podpis",),
    "email": ("e mail", "emailová adresa"),
    "notes": ("poznámka", "poznámky", "komentář"),
}

PRISONERS: dict[str, tuple[str, ...]] = {
    "id": ("č", "číslo", "pořadí", "poř č"),
    "name": ("jméno a příjmení", "celé jméno", "příjmení a jméno", "vězeň",
             "politický vězeň"),
    "given_name": ("jméno", "křestní jméno"),
    "family_name": ("příjmení",),
    "patronymic": ("jméno po otci", "otčestvo"),
    "name_dative": ("komu", "adresát"),
    "name_latin": ("jméno latinkou", "přepis", "transliterace"),
    "birth_year": ("rok narození", "datum narození", "narozen", "narozena"),
    "institution": ("věznice", "zařízení", "kolonie", "trestanecká kolonie",
                    "místo výkonu trestu"),
    "address": ("adresa",),
    "street": ("ulice",),
    "house": ("číslo domu", "č p", "číslo popisné"),
    "postcode": ("psč", "poštovní směrovací číslo"),
    "city": ("město", "obec"),
    "region": ("oblast", "region"),
    "country": ("země", "stát"),
    "language": ("jazyk",),
    "status": ("stav",),
    "photo": ("foto", "fotografie"),
    "sentence": ("trest", "rozsudek"),
    "notes": ("poznámka", "poznámky", "komentář"),
}
# fmt: on
