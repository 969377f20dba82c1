"""Dutch headers: the Tweede and Eerste Kamer, the Belgian Kamer and Dutch-speaking NGOs."""

# fmt: off
SENDERS: dict[str, tuple[str, ...]] = {
    "id": ("nummer", "nr", "volgnummer"),
    "name": ("naam", "volledige naam", "kamerlid", "afzender"),
    "academic_title": ("titel", "titulatuur", "academische titel"),
    "given_name": ("voornaam", "voornamen", "roepnaam"),
    "name_infix": ("tussenvoegsel", "tussenvoegsels", "voorvoegsel"),
    "family_name": ("achternaam", "familienaam"),
    "title": ("functie",),
    "parliament": ("parlement", "kamer"),
    "group": ("fractie", "partij"),
    "country": ("land",),
    "language": ("taal",),
    "cards": ("aantal kaarten", "kaarten", "aantal", "ansichtkaarten"),
    "return_address": ("retouradres", "afzenderadres", "adres", "postadres"),
    "signature": ("handtekening",),
    "email": ("e mail", "e mailadres", "emailadres"),
    "notes": ("opmerkingen", "opmerking", "notities", "notitie"),
}

PRISONERS: dict[str, tuple[str, ...]] = {
    "id": ("nummer", "nr", "volgnummer"),
    "name": ("naam", "volledige naam", "gevangene", "politieke gevangene"),
    "given_name": ("voornaam", "voornamen"),
    "family_name": ("achternaam", "familienaam"),
    "patronymic": ("patroniem", "vadersnaam"),
    "name_dative": ("aan", "geadresseerde"),
    "name_latin": ("naam in latijnse letters", "transliteratie"),
    "birth_year": ("geboortejaar", "geboortedatum", "geboren"),
    "institution": ("instelling", "gevangenis", "strafkolonie", "penitentiaire inrichting",
                    "detentieplaats"),
    "address": ("adres", "postadres"),
    "street": ("straat",),
    "house": ("huisnummer", "huisnr"),
    "postcode": ("postcode",),
    "city": ("plaats", "woonplaats", "stad"),
    "region": ("regio", "provincie", "oblast"),
    "country": ("land",),
    "language": ("taal",),
    "status": ("status",),
    "photo": ("foto",),
    "sentence": ("straf", "vonnis"),
    "notes": ("opmerkingen", "opmerking", "notities", "notitie"),
}
# fmt: on
