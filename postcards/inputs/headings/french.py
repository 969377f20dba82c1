"""French headers: the Assemblée nationale, the Sénat, the Chambre, and French-speaking NGOs."""

# fmt: off
SENDERS: dict[str, tuple[str, ...]] = {
    "id": ("numéro", "n°", "no", "identifiant"),
    "name": ("nom complet", "nom et prénom", "prénom et nom", "député", "députée",
             "membre", "expéditeur"),
    "academic_title": ("titre académique", "civilité", "grade"),
    "given_name": ("prénom", "prénoms"),
    "family_name": ("nom", "nom de famille"),
    "title": ("titre", "fonction", "poste", "qualité"),
    "parliament": ("parlement", "chambre", "assemblée"),
    "group": ("groupe", "groupe politique", "parti"),
    "country": ("pays", "état membre"),
    "language": ("langue",),
    "cards": ("cartes", "nombre de cartes", "nb cartes", "quantité"),
    "return_address": ("adresse de retour", "adresse de l'expéditeur", "adresse postale"),
    "signature": ("signature",),
    "email": ("courriel", "adresse e mail", "adresse électronique"),
    "notes": ("remarques", "remarque", "commentaire", "commentaires", "observations"),
}

PRISONERS: dict[str, tuple[str, ...]] = {
    "id": ("numéro", "n°", "no", "identifiant"),
    "name": ("nom complet", "nom et prénom", "prénom et nom", "détenu", "détenue",
             "prisonnier", "prisonnière"),
    "given_name": ("prénom", "prénoms"),
    "family_name": ("nom", "nom de famille"),
    "patronymic": ("patronyme",),
    "name_dative": ("nom au datif", "datif", "destinataire"),
    "name_latin": ("nom en latin", "translittération"),
    "birth_year": ("date de naissance", "année de naissance", "né le", "né en"),
    "institution": ("établissement", "établissement pénitentiaire", "prison", "colonie",
                    "lieu de détention"),
    "address": ("adresse", "adresse postale"),
    "street": ("rue",),
    "house": ("numéro de rue", "numéro de maison"),
    "postcode": ("code postal", "cp"),
    "city": ("ville", "localité", "commune"),
    "region": ("région", "oblast", "province"),
    "country": ("pays",),
    "language": ("langue",),
    "status": ("statut", "situation"),
    "photo": ("photo",),
    "sentence": ("peine", "condamnation", "verdict"),
    "notes": ("remarques", "remarque", "commentaire", "commentaires", "observations"),
}
# fmt: on
