"""Who says what about whom, per sentence, from the spaCy dependency parse.

    found, context = attribute(sentence_span, context, published)

The speaker is the subject of a reporting verb (say, tell, deny, accuse, admit, find ...),
expanded to its noun phrase: "Igor Konashenkov, a spokesman for the Russian Defence Ministry,
said" gives speaker "Igor Konashenkov", org "Russian Defence Ministry"; "A spokesman for Russian
President Vladimir Putin said" keeps the whole phrase, org "Russian President Vladimir Putin".
Also handled: inverted "..., X said", "according to X", "X told reporters", a verb without a
subject of its own ("released a report saying", "denying ... and insisting") borrowing the
subject of the verb it hangs from, "which said" relative clauses, headlines "Amnesty: ...",
and, failing all that, the subject of the main verb when it names an actor ("The Taliban
claimed", "The ICC issued").

Pronouns ("he said", "it said") and bare descriptions ("the ministry said") are resolved
against the earlier speakers of the same article, carried in a frozen `Context`. The accused
is the agent of the harm described (object of accuse/blame, subject of a harm verb, "by X",
"X's strikes", "Russian bombing"). Places are GPE/LOC/FAC entities that are not actors of the
sentence; the date is the first DATE entity, in ISO form when it can be pinned relative to the
article's publication time (`normalise_date`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from monitor.nlp.actors import is_country, known_actor
from monitor.nlp.numbers import normalise_date

__all__ = ["ACTS", "Attribution", "Context", "attribute", "lemma", "REPORTING"]

Token = Any  # spacy.tokens.Token (spaCy is never imported here)
Span = Any  # spacy.tokens.Span or Doc

REPORTING = frozenset("""say tell deny dismiss accuse allege claim insist reject add state report
    announce acknowledge admit warn describe call confirm note explain argue stress assert
    maintain contend blame condemn document find conclude write tweet post counter respond reply
    rebuff refute dispute question urge demand label brand characterise characterize suggest
    estimate record reveal indicate show accept concede apologise apologize regret declare
    testify recount recall charge rule determine quote cite denounce decry criticise criticize
    accept appeal remind pledge promise vow believe""".split())
HARM = frozenset("""target strike hit bomb shell kill attack shoot fire execute torture rape loot
    burn massacre besiege use drop launch detain abduct raid storm destroy commit torch behead
    round blow block obstruct starve deport arrest beat hang murder slaughter kidnap recruit
    bombard abuse disappear seize mine scatter open rampage hide store enter force deny set
    occupy expel evict demolish raze poison gas blind maim wound injure steal wiretap
    """.split())
HARM_NOUNS = frozenset("""strike strikes airstrike airstrikes air-strikes bombing bombings
    bombardment bombardments shelling attack attacks raid raids offensive campaign fire siege
    blockade crimes abuses violations killings executions operation operations missile missiles
    rocket rockets drone drones shells jets jet warplanes warplane aircraft helicopter
    helicopters tank tanks artillery bombers bomb bombs barrage mortar""".split())
PARTIES = frozenset("""troops soldiers soldier forces fighters fighter militia militias militiamen
    rebels gunmen army police guards settlers men militants insurgents jihadists military
    government regime junta authorities officers commanders unit units snipers sniper crew
    coalition paramilitaries paramilitary bandits hunters attackers assailants mercenaries
    marines paratroopers squadron extremists terrorists navy policemen guard""".split())
STATE_WORDS = frozenset({"army", "military", "government", "regime", "junta", "coalition",
                         "police", "state", "security", "air", "navy", "rebel", "militia"})
ORG_HEADS = frozenset("""ministry army military government group organisation organization agency
    office movement coalition forces force council committee commission authority authorities
    embassy mission service court tribunal union network monitor observatory company
    administration junta regime police statement report headquarters command""".split())
ROLE_NOUNS = frozenset("""spokesman spokeswoman spokesperson spokesmen official officials adviser
    advisor minister envoy ambassador commander chief head director secretary general colonel
    representative aide leader president researcher investigator campaigner manager prosecutor
    lawyer coordinator source sources officer""".split())
ACCUSE = frozenset({"accuse", "blame", "charge", "hold", "indict", "implicate"})
LOCATIVE = frozenset({"in", "near", "at", "on", "across", "from", "to", "into", "outside",
                      "inside", "around", "over", "towards", "toward", "through", "of"})
PRONOUNS = {"he": "person", "she": "person", "it": "org", "they": "any", "we": "org"}
_IRREGULAR = {"said": "say", "says": "say", "told": "tell", "found": "find", "wrote": "write",
              "written": "write", "shown": "show", "held": "hold", "struck": "strike",
              "shot": "shoot", "hit": "hit", "blew": "blow", "blown": "blow", "burnt": "burn",
              "hung": "hang", "beaten": "beat", "fired": "fire", "led": "lead",
              "hidden": "hide", "hid": "hide", "ran": "run", "stole": "steal",
              "stolen": "steal", "abused": "abuse", "seized": "seize"}
_AGENT_WORDS = ORG_HEADS | ROLE_NOUNS | PARTIES | frozenset(
    "investigation inquiry panel witness survivor resident villager relative activist".split())
# Head nouns of an act of war: a sentence whose subject is one tells what happened, and
# nobody says it ("Russian missile strike kills 12").
ACTS = frozenset("""strike airstrike attack shelling bombing bombardment raid missile rocket
    drone explosion blast ambush assault barrage shell bomb""".split())
# Last words of a headline prefix that names a topic, not a speaker ("Ukraine war: ...").
_TOPIC_WORDS = frozenset("""war wars conflict crisis live latest update updates explained
    explainer analysis fighting offensive talks ceasefire truce news briefing""".split())
# Military ranks before a name: "Major General Kyaw Thet Naing" names no organisation.
_RANKS = frozenset("""gen general col colonel maj major lt lieutenant brig brigadier capt
    captain adm admiral sgt sergeant cpl corporal commodore marshal field""".split())
# An outlet relaying another's words: "repeated / cited / carried the ministry's statement".
_RELAY = frozenset("""repeat repeats repeated reiterated reiterates cite cites cited quote quotes
    quoted carry carries carried echo echoes echoed relay relays relayed publish publishes
    published reproduced aired broadcast broadcasts circulated""".split())
_STATEMENTS = frozenset("""statement remark comment denial account word claim version
    assertion position line announcement""".split())
# What an outlet does with another's statement ("Punch reported"), and a statement said again.
_OUTLET_VERBS = frozenset("report say write".split())
_REPEATING = frozenset(w for w in _RELAY if w.startswith(("repeat", "reiterat")))
_MEDIA_NOUNS = frozenset("""paper newspaper daily weekly tabloid channel broadcaster station
    television tv radio agency outlet website site network""".split())
_CLAUSES = frozenset({"appos", "relcl", "acl", "advcl"})
_QUOTE = re.compile(r"[“\"]([^”\"]{3,})[”\"]")
_COLON = re.compile(r"^\s*((?:\d+\w*\s+)?[A-Z][^:]{1,60}?)\s*:\s+\S")  # "6th ID: ..."


@dataclass(frozen=True)
class Context:
    """The speakers seen so far in one article, for resolving "he", "the ministry"."""

    person: str = ""
    person_org: str = ""
    org: str = ""


@dataclass(frozen=True)
class Attribution:
    speaker: str = ""
    speaker_org: str = ""
    verb: str = ""
    content: str = ""
    accused: str = ""
    places: tuple[str, ...] = ()
    date: str = ""
    resolved: bool = False  # the speaker came from an earlier sentence ("he", "the ministry")
    reported: bool = False  # a reporting verb, "according to" or a headline colon was found


def attribute(sent: Span, context: Context = Context(),
              published: datetime | None = None) -> tuple[Attribution, Context]:
    """The attribution of one sentence, and the context updated with its speaker."""
    verb, subject, reported = _speaker_source(sent)
    speaker, org, taken = "", "", set[int]()
    if subject is not None:
        speaker, org, taken = _speaker_phrase(subject)
    elif reported and (prefix := _colon_prefix(sent)):
        speaker = prefix
    speaker, org, resolved = _resolve(speaker, org, subject, context)
    speaker, org = _without_verb(speaker), _without_verb(org)
    accused = _without_verb(_accused(sent, taken))
    found = Attribution(
        speaker=speaker, speaker_org=org, verb=lemma(verb) if verb is not None else "",
        content=_content(sent, verb, subject) if reported else "", accused=accused,
        places=_places(sent, taken), date=_date(sent, published), resolved=resolved,
        reported=reported,
    )
    return found, _remember(context, found, subject)


def _without_verb(name: str) -> str:
    """A headline's verb the parser took for the last noun of its subject ("Iraqi militia
    rejects" in "Iraqi militia rejects blame for ...") cut off."""
    words = name.split()
    if len(words) >= 2 and words[-1] in _HEADLINE_VERBS:
        return " ".join(words[:-1])
    return name


# Headline verbs that are no nouns ("records", "reports", "claims" are: "hospital records").
_HEADLINE_VERBS = frozenset("""says denies rejects dismisses accuses insists blames refutes
    admits confirms condemns warns vows rebuffs disputes acknowledges""".split())


def lemma(token: Token) -> str:
    """The verb lemma from a small form table (the spaCy lemmatizer is not needed)."""
    if getattr(token, "lemma_", "") and token.lemma_ != token.text:
        return str(token.lemma_).lower()
    return _lemma_of(str(token.lower_))


def _lemma_of(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ying", "y"), ("sses", "ss"),
                         ("shes", "sh"), ("ches", "ch"), ("lled", "ll"), ("ing", ""),
                         ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)] + repl
            for candidate in (stem, stem + "e", stem[:-1]):
                if candidate in REPORTING or candidate in HARM:
                    return candidate
    return word


def _is_verb(token: Token, words: frozenset[str]) -> bool:
    if not (token.tag_.startswith("VB") or token.dep_ == "ROOT"):
        return False
    return _lemma_of(token.lower_) in words


# --- the speaker --------------------------------------------------------------------------

def _speaker_source(sent: Span) -> tuple[Token | None, Token | None, bool]:
    """(reporting verb, subject token, reported?) in order of preference."""
    if _speaking_prefix(sent):  # "Armenian MoD: Azerbaijani claim that ... is disinformation"
        return None, None, True
    relay = _relayed(sent)
    if relay is not None:
        return relay[0], relay[1], True
    verbs = sorted((t for t in sent if _is_verb(t, REPORTING) and not _inside_relative(t)),
                   key=lambda t: (_depth(t), t.i))
    for verb in verbs:
        subject = _subject(verb) or _trailing_name(verb)
        # "the strike hit a meeting and said ...": a misparse, no speaker
        if subject is not None and subject.lower_.rstrip("s") not in ACTS:
            said, speaker = _reported_speech(verb, subject) or (verb, subject)
            return said, speaker, True
    for token in sent:
        if token.lower_ == "according":
            for to in (c for c in token.children if c.lower_ == "to"):
                pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return None, pobj, True
    if _colon_prefix(sent):
        return None, None, True
    root = sent.root
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is not None and _agent_like(subject):
        return root, subject, bool(verbs)
    return (verbs[0] if verbs else None), None, False


def _reported_speech(verb: Token, subject: Token) -> tuple[Token, Token] | None:
    """(verb, subject) of the statement an outlet reports: in "The military has again
    rejected the report, Punch reported, citing ..." the military speaks, not Punch."""
    if _lemma_of(verb.lower_) not in _OUTLET_VERBS or not _outlet_like(subject):
        return None
    said = [c for c in verb.children if c.dep_ == "ccomp"]
    if verb.dep_ == "parataxis":  # "The coastguard repeated that ..., the Herald reported"
        said.append(verb.head)
    for statement in said:
        if _is_verb(statement, REPORTING) or statement.lower_ in _REPEATING:
            speaker = _subject(statement)
            if speaker is not None and speaker.lower_ not in _MEDIA_NOUNS:
                return statement, speaker
    return None


def _relayed(sent: Span) -> tuple[Token, Token] | None:
    """(verb, owner) of an outlet relaying another's statement: in "The state-run daily
    repeated the military council's statement that ..." the council speaks, not the daily."""
    for verb in sent:
        if not verb.tag_.startswith("VB") or verb.lower_ not in _RELAY:
            continue
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        said = next((c for c in verb.children if c.dep_ == "dobj"
                     and c.lower_.rstrip("s") in _STATEMENTS), None)
        if subject is None or said is None or not _outlet_like(subject):
            continue
        owner = next((c for c in said.children if c.dep_ == "poss" and c.tag_ != "PRP$"), None)
        if owner is None:
            by = next((c for c in said.children if c.dep_ == "prep"
                       and c.lower_ in ("by", "of", "from")), None)
            owner = next((c for c in by.children if c.dep_ == "pobj"), None) if by else None
        if owner is not None:
            return verb, owner
    return None


def _outlet_like(subject: Token) -> bool:
    """A media noun ("the paper", "the state-run daily") or a proper name that is no known
    party (the outlet's own name)."""
    if subject.lower_ in _MEDIA_NOUNS:
        return True
    return subject.tag_ == "NNP" and not known_actor(_phrase(subject)) and \
        subject.lower_ not in _AGENT_WORDS


def _inside_relative(verb: Token) -> bool:
    """"locations that Russia has described as ..." is no attribution; "UNRWA, which said" is."""
    if verb.dep_ != "relcl":
        return False
    return not any(c.dep_ == "nsubj" and c.lower_ in ("who", "which", "that")
                   for c in verb.children)


def _subject(verb: Token) -> Token | None:
    """The nsubj of a verb, its passive agent, or the subject of the verb it hangs from."""
    token = verb
    for _ in range(4):
        for child in token.children:
            if child.dep_ == "nsubj":
                if child.lower_ in ("who", "which", "that") and token.dep_ == "relcl":
                    return token.head
                return child
            if child.dep_ == "agent":
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
        if token.dep_ not in ("advcl", "xcomp", "conj", "acl", "pcomp", "prep", "pobj", "dobj"):
            return None
        token = token.head
    return None


def _trailing_name(verb: Token) -> Token | None:
    """"..., Major General Pavel Sorokin, the ministry's spokesman, said." parsed without a
    subject: the last person or organisation named just before a sentence-final verb."""
    doc = verb.doc
    if verb.i + 2 < len(doc) and not doc[verb.i + 1].is_punct:
        return None
    names = [e for e in doc.ents if verb.i - 12 <= e.start < verb.i and
             e.label_ in ("PERSON", "ORG")]
    return names[-1].root if names else None


def _agent_like(subject: Token) -> bool:
    if subject.lower_ in PRONOUNS or subject.tag_ in ("WDT", "WP", "EX", "DT"):
        return False
    if subject.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    text = _phrase(subject)
    word = subject.lower_
    if word.rstrip("s") in ACTS:  # "Turkish drone strike kills three": the act, no speaker
        return False
    return bool(known_actor(text)) or bool({word, word.rstrip("s")} & _AGENT_WORDS)


def _colon_prefix(sent: Span) -> str:
    """"Amnesty: Russian bombing ..." -> "Amnesty" (short, capitalised, at the very start)."""
    if sent.start != 0 and sent[0].i != 0:
        return ""
    match = _COLON.match(sent.text)
    if not match or len(match.group(1).split()) > 5:
        return ""
    prefix = match.group(1).strip()
    # "Syria: Cluster munition strike on camp" (the rights groups' style) names the country
    # the report is about, not who speaks; "Syria says" is how a wire names the speaker.
    # So does a town no party is named after ("Djibo: the FDS reaffirm ...").
    if is_country(prefix) or _place_only(sent, len(prefix)) and not known_actor(prefix):
        return ""
    return prefix


def _place_only(sent: Span, length: int) -> bool:
    """The sentence's first `length` characters are one place name (GPE, LOC or FAC)."""
    start = sent[0].idx
    ents = [e for e in sent.ents if e.start_char < start + length]
    return len(ents) == 1 and ents[0].label_ in ("GPE", "LOC", "FAC") and (
        ents[0].start_char == start and ents[0].end_char >= start + length)


def _speaking_prefix(sent: Span) -> bool:
    """A headline opened by a party that speaks ("Army: ...", "Armenian MoD: ...", "Kremlin
    spokesman: ..."): the prefix is the speaker, whatever verbs follow the colon. A topic
    ("Ukraine war: Russia says ...") is no such prefix."""
    prefix = _colon_prefix(sent)
    if not prefix:
        return False
    last = prefix.lower().replace("’", "'").split()[-1].removesuffix("'s")
    if last in _TOPIC_WORDS:
        return False
    return last in _AGENT_WORDS or last in ("mod", "mfa") or bool(known_actor(prefix))


def _speaker_phrase(subject: Token) -> tuple[str, str, set[int]]:
    """(speaker, org, token ids used) for a subject token."""
    appos = next((c for c in subject.children if c.dep_ == "appos"), None)
    taken = {t.i for t in subject.subtree}
    if appos is not None:
        if appos.ent_type_ == "PERSON" and subject.ent_type_ != "PERSON":
            return _phrase(appos), _org_within(subject, skip=appos), taken
        return _phrase(subject, skip=appos), _org_within(appos) or _org_within(subject, appos), \
            taken
    person = _person_in(subject)
    if person:
        name, before = person
        return name, before or _org_within(subject), taken
    phrase = _phrase(subject)
    return phrase, _org_within(subject), taken


def _person_in(subject: Token) -> tuple[str, str] | None:
    """A PERSON entity heading the subject, with the org words before its role noun."""
    if subject.ent_type_ != "PERSON":
        return None
    doc = subject.doc
    ent = next((e for e in doc.ents if e.start <= subject.i < e.end), None)
    if ent is None:
        return None
    left = [t for t in subject.subtree if t.i < ent.start and t.dep_ not in ("det", "punct")]
    while left and (left[-1].lower_ in ROLE_NOUNS or left[-1].tag_ in ("NN", "NNP") and
                    left[-1].lower_.rstrip(".") in _RANKS):
        left.pop()
    org = " ".join(t.text for t in left if t.tag_ != "POS")
    return ent.text, org


def _org_within(token: Token, skip: Token | None = None) -> str:
    """The organisation named inside a phrase: "for/of/at/from X", "X's", an ORG entity."""
    for child in token.children:
        if skip is not None and child.i == skip.i:
            continue
        if child.dep_ == "prep" and child.lower_ in ("for", "of", "at", "from", "with", "to"):
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return _phrase(pobj, strip_det=True)
        if child.dep_ == "poss" and child.tag_ not in ("PRP$",):
            return _phrase(child, strip_det=True)
    for child in token.children:
        if child.dep_ == "compound" and child.ent_type_ in ("ORG", "NORP", "GPE"):
            ent = next((e for e in token.doc.ents if e.start <= child.i < e.end), None)
            if ent is not None and "-" in ent.text:  # "Inter-Services Public Relations"
                start = ent.start + (ent[0].dep_ == "det")
                return str(token.doc[start:max(ent.end, token.i + 1)].text)
            words = [t for t in child.subtree if t.ent_type_ == child.ent_type_]
            return " ".join(t.text for t in words)
    return ""


def _phrase(token: Token, skip: Token | None = None, strip_det: bool = False) -> str:
    """The noun phrase of a token: its subtree less trailing appositions, clauses and edge
    punctuation ("Residents who fled" -> "Residents"; a capitalised "to Protect ..." stays)."""
    drop: set[int] = set()
    for child in token.children:
        clause = child.dep_ in _CLAUSES and child.i > token.i and not child.text[:1].isupper()
        if clause or skip is not None and child.i == skip.i:
            drop.update(t.i for t in child.subtree)
    words = [t for t in token.subtree if t.i not in drop]
    while words and (words[0].is_punct or strip_det and words[0].dep_ == "det"):
        words = words[1:]
    while words and (words[-1].is_punct or words[-1].tag_ == "POS"):
        words = words[:-1]
    return "".join(t.text_with_ws for t in words).strip()


def _resolve(speaker: str, org: str, subject: Token | None,
             context: Context) -> tuple[str, str, bool]:
    """Pronouns and "the ministry" take the matching earlier speaker of the article."""
    if subject is None:
        return speaker, org, False
    kind = PRONOUNS.get(subject.lower_)
    if kind in ("person", "any") and context.person and subject.lower_ != "it":
        return context.person, context.person_org, True
    if kind in ("org", "any") and context.org:
        return context.org, context.org, True
    bare = speaker.lower().split()
    if len(bare) == 2 and bare[0] == "the" and bare[1] in ORG_HEADS and context.org:
        if bare[1] in context.org.lower() or bare[1] in ("group", "organisation", "statement"):
            return context.org, context.org, True
    return speaker, org, False


def _remember(context: Context, found: Attribution, subject: Token | None) -> Context:
    if not found.speaker or found.resolved:
        return context
    if subject is not None and (subject.ent_type_ == "PERSON" or _person_in(subject)):
        return Context(found.speaker, found.speaker_org, found.speaker_org or context.org)
    return Context(context.person, context.person_org, found.speaker_org or found.speaker)


def _token_ids(subject: Token | None) -> set[int]:
    return set() if subject is None else {t.i for t in subject.subtree}


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:
        token, depth = token.head, depth + 1
    return depth


# --- what is said, about whom, where and when --------------------------------------------

def _content(sent: Span, verb: Token | None, subject: Token | None) -> str:
    """Quoted words when they carry the statement, else the clausal complement."""
    quotes = [q.strip() for q in _QUOTE.findall(sent.text)]
    quoted = " … ".join(quotes)
    prefix = _colon_prefix(sent)
    if prefix and subject is None:
        return str(sent.text).split(":", 1)[1].strip()
    complement = _complement(sent, verb, subject)
    if quotes and len(quoted.split()) >= max(4, 0.6 * len(complement.split())):
        return quoted
    return complement


def _complement(sent: Span, verb: Token | None, subject: Token | None) -> str:
    if verb is None:
        skip = {t.i for t in subject.head.head.subtree} if subject is not None else set()
        return _clean("".join(t.text_with_ws for t in sent if t.i not in skip))
    for dep in ("ccomp", "xcomp", "dobj"):
        child = next((c for c in verb.children if c.dep_ == dep), None)
        if child is not None:
            words = list(child.subtree) if dep != "dobj" else \
                [t for t in sent if t.i >= child.i and t.i not in _token_ids(subject)]
            return _clean("".join(t.text_with_ws for t in words))
    return ""


def _clean(text: str) -> str:
    text = re.sub(r"\s+([,.;:!?’”'])", r"\1", text).strip(" ,.;:")
    return re.sub(r"^(?:that|whether)\s+", "", text)


def _accused(sent: Span, taken: set[int]) -> str:
    """The party the harm is attributed to, as written in the sentence."""
    for token in sent:
        if _is_verb(token, ACCUSE):
            target = _accuse_target(token)
            if target is not None and target.i not in taken:
                charge = next((c for c in target.children if c.dep_ == "prep"
                               and c.lower_ in ("of", "for", "over")), None)
                return _phrase(target, skip=charge, strip_det=True)
    for token in sent:
        if token.i in taken:
            continue
        agent = _harm_agent(token)
        if agent is not None and agent.i not in taken:
            return _phrase(agent, strip_det=True)
    return ""


def _accuse_target(verb: Token) -> Token | None:
    """'accused X of ...' -> X; 'blamed ... on X' -> X."""
    if _lemma_of(verb.lower_) == "blame":
        for prep in (t for t in verb.subtree if t.dep_ == "prep" and t.lower_ == "on"):
            return next((c for c in prep.children if c.dep_ == "pobj"), None)
    return next((c for c in verb.children if c.dep_ == "dobj"), None)


def _harm_agent(token: Token) -> Token | None:
    """The party doing harm at `token`: a harm verb's subject or "by" agent, the owner of a
    harm noun ("Russia's strikes", "strikes by X", "Russian bombing", "army helicopters"), or
    the party held "responsible for" something."""
    if token.lower_ == "responsible" and token.dep_ == "acomp":
        subject = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
        return subject if subject is not None and _party(subject) else None
    if _is_verb(token, HARM) or _carried_out(token):
        subject = _harm_subject(token)
        if subject is not None and (_party(subject) or _armed_thing(subject)):
            return subject
        return None
    if token.lower_ in HARM_NOUNS and token.tag_.startswith("NN"):
        return _armed_thing(token)
    return None


def _carried_out(token: Token) -> bool:
    """"carried out the bombing": the phrasal verb of an attack."""
    return token.lower_ in ("carry", "carries", "carried", "carrying") and any(
        c.dep_ == "prt" and c.lower_ == "out" for c in token.children)


def _harm_subject(verb: Token) -> Token | None:
    """The subject of a harm verb, climbing "went ... before shooting them" to "went"."""
    token = verb
    for _ in range(4):
        for child in token.children:
            if child.dep_ == "nsubj":
                return child
            if child.dep_ == "agent":
                return next((c for c in child.children if c.dep_ == "pobj"), None)
        if token.dep_ not in ("advcl", "xcomp", "conj", "pcomp", "prep"):
            return None
        token = token.head
    return None


def _party(subject: Token) -> bool:
    """A subject that names a party: an actor, an ORG/NORP/GPE/PERSON, or soldiers, militia ..."""
    if subject.lower_ in PRONOUNS or subject.tag_ in ("WDT", "WP", "DT", "EX", "PRP"):
        return False
    of = _quantity_of(subject)
    if of is not None:
        return _party(of)
    if subject.lower_ in PARTIES or subject.ent_type_ in ("ORG", "NORP", "GPE", "PERSON"):
        return True
    return bool(known_actor(_phrase(subject)))


def _quantity_of(token: Token) -> Token | None:
    """"hundreds of Israeli settlers" -> "settlers": the noun a quantity counts."""
    if token.ent_type_ not in ("CARDINAL", "QUANTITY") and token.lower_ not in (
            "dozens", "scores", "hundreds", "thousands", "some", "many", "most", "group"):
        return None
    of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    return next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None


def _armed_thing(token: Token) -> Token | None:
    """A weapon or attack noun tied to a party: X's strikes, strikes by/from X, Russian jets."""
    if token.lower_ not in HARM_NOUNS:
        return None
    if any(c.dep_ == "poss" and c.tag_ == "PRP$" for c in token.children):
        return None  # "its campaign": the owner is in another sentence or clause
    for child in token.children:
        if child.dep_ == "poss" and child.tag_ != "PRP$":
            return child
        source = _fired_by(child) if child.dep_ == "acl" else None
        if source is not None:
            return source
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None and (_party(pobj) or pobj.lower_ in ("positions", "territory")):
                return pobj
    for child in token.children:
        if child.dep_ in ("amod", "compound", "nmod") and (
                child.ent_type_ in ("NORP", "GPE", "ORG") or child.lower_ in STATE_WORDS
                or known_actor(child.text)):
            return token
    return None


def _fired_by(acl: Token) -> Token | None:
    """"shells fired from M23 positions", "a drone operated by the UAE": who fired it."""
    for prep in (c for c in acl.children if c.dep_ in ("prep", "agent")
                 and c.lower_ in ("by", "from")):
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if pobj is not None and (_party(pobj) or pobj.lower_ in ("positions", "territory")):
            return pobj
    return None


def _places(sent: Span, taken: set[int]) -> tuple[str, ...]:
    places: list[str] = []
    for ent in sent.ents:
        if ent.label_ not in ("GPE", "LOC", "FAC") or any(t.i in taken for t in ent):
            continue
        root = ent.root
        if root.dep_ in ("poss", "compound", "amod", "nsubj") or known_actor(ent.text) and \
                not (root.dep_ == "pobj" and root.head.lower_ in LOCATIVE):
            continue
        places.append(ent.text)
        places.extend(c.text for c in root.children if c.dep_ == "conj" and c.tag_ == "NNP")
    return tuple(dict.fromkeys(p for p in places if p))


def _date(sent: Span, published: datetime | None) -> str:
    for ent in sent.ents:
        if ent.label_ == "DATE":
            value = normalise_date(ent.text, published)
            if value:
                return value
    return ""
