"""Actor normalisation: one canonical name per party, whatever the spelling."""

from __future__ import annotations

import pytest

from monitor.nlp.actors import (
    actor_kind,
    actor_side,
    canonical_actor,
    is_country,
    known_actor,
    mentioned_actors,
    table,
)


@pytest.mark.parametrize("name, actor", [
    # the seed's many names of Russia, spokesmen included
    ("Russia", "Russia"), ("Russian Federation", "Russia"), ("Moscow", "Russia"),
    ("the Kremlin", "Russia"), ("Russian Defence Ministry", "Russia"),
    ("Russia's Defense Ministry", "Russia"), ("Russia’s Defense Ministry", "Russia"),
    ("the Russian Ministry of Defense", "Russia"), ("Russian military", "Russia"),
    ("Russian forces", "Russia"), ("Konashenkov", "Russia"), ("Igor Konashenkov", "Russia"),
    ("Peskov", "Russia"), ("A spokesman for Russian President Vladimir Putin", "Russia"),
    ("Russian bombers", "Russia"), ("the Russians", "Russia"),
    # other parties
    ("IDF", "Israel"), ("Israel Defense Forces", "Israel"), ("the Israeli military", "Israel"),
    ("Hamas", "Hamas"), ("Gaza health ministry", "Gaza Health Ministry"),
    ("the Hamas-run health ministry", "Gaza Health Ministry"), ("Kyiv", "Ukraine"),
    ("Kiev", "Ukraine"), ("Ukrainian armed forces", "Ukraine"),
    ("Ministry of Foreign Affairs of Ukraine", "Ukraine"),
    ("SAF", "Sudanese Armed Forces"), ("Sudan army", "Sudanese Armed Forces"),
    ("Sudan's army", "Sudanese Armed Forces"), ("RSF", "Rapid Support Forces"),
    ("the paramilitary Rapid Support Forces", "Rapid Support Forces"),
    ("Syrian government", "Syria (government)"), ("Assad", "Syria (government)"),
    ("Damascus", "Syria (government)"), ("SANA", "Syria (government)"),
    ("US", "United States"), ("U.S.", "United States"), ("the Pentagon", "United States"),
    ("Washington", "United States"), ("Saudi-led coalition", "Saudi-led coalition"),
    ("Houthis", "Houthis"), ("Ansar Allah", "Houthis"), ("the junta", "Myanmar military"),
    ("Tatmadaw", "Myanmar military"), ("Myanmar's military", "Myanmar military"),
    # rights groups and international bodies
    ("Amnesty", "Amnesty International"), ("Amnesty International UK", "Amnesty International"),
    ("one Amnesty official", "Amnesty International"), ("HRW", "Human Rights Watch"),
    ("Human Rights Watch", "Human Rights Watch"), ("UN", "United Nations"),
    ("the U.N.", "United Nations"), ("UN human rights office", "United Nations"),
    ("OHCHR", "United Nations"), ("Red Cross", "International Committee of the Red Cross"),
    ("ICRC", "International Committee of the Red Cross"), ("MSF", "Médecins Sans Frontières"),
    ("Doctors Without Borders", "Médecins Sans Frontières"),
])
def test_aliases_map_to_one_canonical_actor(name: str, actor: str) -> None:
    assert canonical_actor(name) == actor


@pytest.mark.parametrize("name, cleaned", [
    ("local residents", "Local Residents"),
    ("the think tank", "Think Tank"),
    ("Sudanese doctors", "Sudanese Doctors"),  # a demonym alone is not the state
    ("us", "Us"),  # short acronyms count only in capitals
    ("un", "Un"),
    ("", ""),
])
def test_unknown_names_pass_through_cleaned(name: str, cleaned: str) -> None:
    assert canonical_actor(name) == cleaned
    assert known_actor(name) == ""


def test_coordinated_demonyms_take_the_first_state() -> None:
    assert canonical_actor("Russian and Syrian government aircraft") == "Russia"


def test_sides_group_authorities_with_the_party_that_runs_them() -> None:
    assert actor_side("Gaza Health Ministry") == "Hamas"
    assert actor_side("the Hamas-run health ministry") == "Hamas"
    assert actor_side("Wagner") == "Russia"
    assert actor_side("Russia") == "Russia"


def test_countries_and_mentions() -> None:
    assert is_country("Syria") and is_country("Russians")
    assert not is_country("Amnesty")
    text = "Amnesty said Russian bombers hit homes; the Kremlin denied it."
    assert mentioned_actors(text) == ("Amnesty International", "Russia")


def test_the_table_is_large_and_consistent() -> None:
    tab = table()
    assert len(tab.aliases) + len(tab.states) >= 500
    assert set(tab.aliases.values()) <= set(tab.sides)
    assert set(tab.sides.values()) <= set(tab.sides)


@pytest.mark.parametrize("a, b", [
    ("Russia", "Russian Federation"), ("Russian Federation", "Moscow"), ("Moscow", "the Kremlin"),
    ("Russia's Defense Ministry", "the Russian Defence Ministry"),
    ("the Defense Ministry of Russia", "Russian Ministry of Defence"),
])
def test_spellings_of_one_actor_are_equal(a: str, b: str) -> None:
    assert canonical_actor(a) == canonical_actor(b) == "Russia"


def test_an_unknown_defence_ministry_is_one_name_under_both_spellings() -> None:
    assert canonical_actor("the Defense Ministry") == canonical_actor("Defence Ministry")
    assert canonical_actor("Ministry of Defense") == canonical_actor("the defence ministry")


def test_kinds_and_bare_countries_in_mentions() -> None:
    assert (actor_kind("Amnesty International UK"), actor_kind("the Kremlin"),
            actor_kind("Hamas"), actor_kind("local residents")) == (
        "ngo", "state", "armed_group", "")
    text = "It looks as if Russian Federation is hiding the truth about Syrian strikes."
    assert mentioned_actors(text) == ("Syria (government)",)
    assert mentioned_actors(text, countries=True) == ("Russia", "Syria (government)")


# -- the whole world: every state, and the armed groups of 2020-2026 ------------------------

UN_MEMBERS_AND_OTHERS = """
Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|
Austria|Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|
Bolivia|Bosnia and Herzegovina|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|
Cabo Verde|Cambodia|Cameroon|Canada|Central African Republic|Chad|Chile|China|Colombia|
Comoros|Republic of the Congo|Costa Rica|Côte d'Ivoire|Croatia|Cuba|Cyprus|Czechia|
Democratic Republic of the Congo|Denmark|Djibouti|Dominica|Dominican Republic|Ecuador|Egypt|
El Salvador|Equatorial Guinea|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|Finland|France|Gabon|
Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guinea-Bissau|Guyana|Haiti|
Honduras|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Jamaica|Japan|
Jordan|Kazakhstan|Kenya|Kiribati|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|
Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|
Marshall Islands|Mauritania|Mauritius|Mexico|Micronesia|Moldova|Monaco|Mongolia|Montenegro|
Morocco|Mozambique|Myanmar|Namibia|Nauru|Nepal|Netherlands|New Zealand|Nicaragua|Niger|
Nigeria|North Korea|North Macedonia|Norway|Oman|Pakistan|Palau|Panama|Papua New Guinea|
Paraguay|Peru|Philippines|Poland|Portugal|Qatar|South Korea|Romania|Russia|Rwanda|
Saint Kitts and Nevis|Saint Lucia|Saint Vincent and the Grenadines|Samoa|San Marino|
Sao Tome and Principe|Saudi Arabia|Senegal|Serbia|Seychelles|Sierra Leone|Singapore|
Slovakia|Slovenia|Solomon Islands|Somalia|South Africa|South Sudan|Spain|Sri Lanka|Sudan|
Suriname|Sweden|Switzerland|Syria|Tajikistan|Tanzania|Thailand|Timor-Leste|Togo|Tonga|
Trinidad and Tobago|Tunisia|Turkey|Turkmenistan|Tuvalu|Uganda|Ukraine|United Arab Emirates|
United Kingdom|United States|Uruguay|Uzbekistan|Vanuatu|Venezuela|Vietnam|Yemen|Zambia|
Zimbabwe|Palestine|Kosovo|Taiwan""".replace("\n", "").split("|")


def test_every_state_has_its_own_actor() -> None:
    assert len(UN_MEMBERS_AND_OTHERS) == 196
    actors = [canonical_actor(f"{name}'s army") for name in UN_MEMBERS_AND_OTHERS]
    pairs = zip(UN_MEMBERS_AND_OTHERS, actors, strict=True)
    assert all(actor_kind(actor) == "state" for actor in actors), [
        (n, a) for n, a in pairs if actor_kind(a) != "state"]
    assert len(set(actors)) == 196  # no two states collide


@pytest.mark.parametrize("name, actor", [
    # Pakistan and its organs
    ("Pakistani troops", "Pakistan"), ("ISPR", "Pakistan"), ("the ISI", "Pakistan"),
    ("Inter-Services Public Relations", "Pakistan"), ("Pakistan Army", "Pakistan"),
    ("Field Marshal Asim Munir", "Pakistan"), ("Islamabad", "Pakistan"),
    # a state word after a country or demonym, for any state
    ("the Nigerien junta", "Niger"), ("Niger's army", "Niger"),
    ("Nigeria's army", "Nigeria (government)"), ("Nigerian troops", "Nigeria (government)"),
    ("Niger State police", "Nigeria (government)"),
    ("Sudan's army", "Sudanese Armed Forces"), ("Sudanese troops", "Sudanese Armed Forces"),
    ("South Sudan's army", "South Sudan (government)"),
    ("South Sudanese soldiers", "South Sudan (government)"),
    ("Sudan People's Liberation Army", "South Sudan (government)"),
    ("Congo's army", "DR Congo (government)"), ("the DR Congo government", "DR Congo (government)"),
    ("Democratic Republic of the Congo", "DR Congo (government)"),
    ("Republic of Congo's army", "Republic of the Congo"),
    ("Congo-Brazzaville officials", "Republic of the Congo"),
    ("Guinea's junta", "Guinea"), ("Guinea-Bissau's army", "Guinea-Bissau"),
    ("Equatorial Guinea's government", "Equatorial Guinea"),
    ("Papua New Guinea's defence force", "Papua New Guinea"),
    ("Jordan's foreign ministry", "Jordan"), ("the Jordanian army", "Jordan"), ("Amman", "Jordan"),
    ("Chad's army", "Chad"), ("Georgia's defence ministry", "Georgia"),
    ("Swiss army", "Switzerland"),
    ("Indian army", "India"), ("Modi", "India"), ("Ivorian troops", "Ivory Coast"),
    ("Korean People's Army", "North Korea"), ("South Korean military", "South Korea"),
    ("Japan Self-Defense Forces", "Japan"), ("Uganda People's Defence Force", "Uganda"),
    ("China's Ministry of National Defense", "China"),
    ("Taiwan's National Defense Ministry", "Taiwan"), ("Department of War", "United States"),
    ("Ahmed al-Sharaa", "Syria (government)"),
    # armed groups
    ("TTP", "Tehrik-i-Taliban Pakistan"), ("the Pakistani Taliban", "Tehrik-i-Taliban Pakistan"),
    ("BLA", "Baloch Liberation Army"), ("PKK", "PKK"), ("HPG", "PKK"),
    ("Gran Grif", "Gran Grif"), ("Viv Ansanm", "Viv Ansanm"), ("G9", "G9"),
    ("5 Segonn", "5 Segonn"), ("Clan del Golfo", "Clan del Golfo"), ("EMC", "FARC dissidents"),
    ("Africa Corps", "Africa Corps"), ("Russia's Africa Corps", "Africa Corps"),
    ("Wagner", "Wagner Group"), ("PDF", "People's Defence Force"),
    ("Qassam Brigades", "Hamas"), ("Kataib Hezbollah", "Kataib Hezbollah"),
    ("Islamic Resistance in Iraq", "Islamic Resistance in Iraq"), ("ISWAP", "Islamic State"),
    ("IS Sahel", "Islamic State"), ("ISKP", "Islamic State"), ("AQAP", "AQAP"),
    ("Ansar al-Sunna", "Ansar al-Sunna"), ("CODECO", "CODECO"), ("Wazalendo", "Wazalendo"),
    ("FDLR", "FDLR"), ("Twirwaneho", "Twirwaneho"), ("LRA", "Lord's Resistance Army"),
    ("CPC rebels", "Coalition of Patriots for Change"), ("3R", "3R"),
    ("NPA", "New People's Army"), ("Abu Sayyaf", "Abu Sayyaf"),
    ("MILF", "Moro Islamic Liberation Front"), ("BIFF", "Bangsamoro Islamic Freedom Fighters"),
    ("Maute group", "Maute group"), ("KNU", "Karen National Union"),
    ("Kachin Independence Army", "Kachin Independence Army"),
    ("TNLA", "Ta'ang National Liberation Army"),
    ("MNDAA", "Myanmar National Democratic Alliance Army"),
    ("KNDF", "Karenni Nationalities Defence Force"), ("Chin National Front", "Chin National Front"),
    ("ULFA-I", "ULFA"), ("Naxalites", "Communist Party of India (Maoist)"),
    ("CPI (Maoist)", "Communist Party of India (Maoist)"), ("Polisario Front", "Polisario Front"),
    ("FLEC", "FLEC"), ("OLA", "Oromo Liberation Army"),
    ("National Salvation Front", "National Salvation Front"),
    ("CSP-PSD", "Azawad Liberation Front"), ("FLA", "Azawad Liberation Front"),
    ("SPLM-N", "SPLM-N"),
])
def test_the_worlds_parties_have_one_name(name: str, actor: str) -> None:
    assert canonical_actor(name) == actor


@pytest.mark.parametrize("name", [
    "Jordan Henderson", "Georgia voters", "Chad Smith", "turkey dinner", "china plates",
    "china cabinet", "Tom Holland", "telephone poles", "a Swiss national", "Benin City",
    "Lake Chad", "South China Sea", "Jordan River", "Niger Delta militants", "Latin America",
    "New Mexico", "Gulf of Guinea", "Maoists", "milf", "KIA", "Indian Ocean",
    "Philippine Department of National Defense",
])
def test_ordinary_phrases_are_no_state(name: str) -> None:
    assert known_actor(name) == ""
    assert mentioned_actors(name, countries=True) == ()


def test_ambiguous_country_names_count_alone_only_as_names() -> None:
    assert mentioned_actors("Turkey, Russia and Iran met.", countries=True) == (
        "Turkey", "Russia", "Iran")
    assert mentioned_actors("Jordan said it shot down drones.", countries=True) == ("Jordan",)
    assert mentioned_actors("Jordan Henderson scored as Georgia voters queued.",
                            countries=True) == ()
    assert mentioned_actors("Boko Haram struck near Lake Chad and in the Niger Delta.",
                            countries=True) == ("Boko Haram",)
    assert is_country("Jordan") and is_country("Chad") and not is_country("jordan")
    assert not is_country("Georgia") and not is_country("Swiss")
    assert (known_actor("Jordan"), known_actor("Turkey"), known_actor("China")) == (
        "Jordan", "Turkey", "China")


def test_neighbours_with_like_names_never_collide() -> None:
    text = ("Niger and Nigeria closed the border; clashes spread in Sudan and South Sudan; "
            "Congo accused the Republic of Congo; Guinea, Guinea-Bissau, Equatorial Guinea "
            "and Papua New Guinea met.")
    assert mentioned_actors(text, countries=True) == (
        "Niger", "Nigeria (government)", "Sudanese Armed Forces", "South Sudan (government)",
        "DR Congo (government)", "Republic of the Congo", "Guinea", "Guinea-Bissau",
        "Equatorial Guinea", "Papua New Guinea")


def test_sides_of_the_new_groups() -> None:
    assert actor_side("Africa Corps") == "Russia"
    assert actor_side("PDF") == "National Unity Government"
    assert actor_side("Wazalendo") == "DR Congo (government)"
    assert actor_side("Kataib Hezbollah") == "Popular Mobilisation Forces"
    assert actor_side("G9") == "Viv Ansanm"
    assert actor_side("Darfur Joint Forces") == "Sudanese Armed Forces"
    assert actor_side("Gran Grif") == "Gran Grif"
    assert actor_kind("Gran Grif") == "armed_group" and actor_kind("Pakistan") == "state"


def test_no_alias_is_claimed_by_two_actors() -> None:
    import json

    from monitor.nlp.actors import DATA, _normal_tokens, _plain

    owners: dict[tuple[str, ...], set[str]] = {}
    for canon, entry in json.loads(DATA.read_text(encoding="utf-8"))["actors"].items():
        for alias in [canon, *entry.get("aliases", [])]:
            owners.setdefault(_plain(_normal_tokens(alias)), set()).add(canon)
        for word in entry.get("aliases", []) + entry.get("countries", []) + entry.get(
                "demonyms", []):
            assert word == word.lower(), (canon, word)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
