"""How well clusters recover known campaigns: simulated campaigns among organic posts, and
pairwise precision and recall.

The simulation is the shape issue #17 measured: talking points of 14-28 words, each copied
by 5-40 different accounts with up to two words changed or dropped, a link appended to a
third of the copies and an @mention prepended to a third, among varied organic posts. The
benchmark (``benchmarks/cluster_quality.py``) and the tests draw from the same generator,
so the default similarity is chosen on the data the tests check it against.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_OPENERS = (
    "ok so", "honestly", "update:", "lol", "not gonna lie", "finally", "psa:", "hot take:",
    "reminder:", "can confirm", "quick one:", "well", "so apparently", "small win:", "ugh",
    "good morning", "story time:", "confession:", "tbh", "fun fact:",
)  # fmt: skip
_SUBJECTS = (
    "i", "we", "my mom", "my roommate", "the barista", "my boss", "grandpa", "my sister",
    "the kids", "my neighbour", "our coach", "my best friend", "the dog", "my partner",
    "the whole team", "my dad", "our landlord", "the toddler", "my flatmate", "auntie jo",
    "the new intern", "my brother", "half the class", "the cat",
)  # fmt: skip
_VERBS = (
    "made", "broke", "found", "tried", "finished", "lost", "fixed", "painted", "cooked",
    "bought", "sold", "watched", "borrowed", "returned", "dropped", "planted", "built",
    "burned", "reviewed", "rearranged", "ordered", "cancelled", "recommended", "spilled",
    "forgot", "rewatched", "photographed", "wrapped", "hid", "named", "is obsessed with",
    "can't stand", "keeps talking about", "just discovered", "finally gave up on",
)  # fmt: skip
_DETERMINERS = ("the", "a", "my", "our", "this", "that", "another", "their", "some")
_ADJECTIVES = (
    "amazing", "terrible", "weird", "underrated", "overpriced", "perfect", "chaotic",
    "cozy", "broken", "beautiful", "loud", "tiny", "huge", "spicy", "cold", "vintage",
    "sticky", "homemade", "secondhand", "neon", "leftover", "lopsided", "fancy", "soggy",
    "borrowed", "suspicious", "glorious", "mysterious", "enormous", "crunchy", "ancient",
)  # fmt: skip
_NOUNS = (
    "sourdough", "playlist", "hiking boots", "ramen", "podcast", "bike", "garden", "thesis",
    "puppy", "sunset", "concert", "croissant", "novel", "coffee", "laptop", "road trip",
    "pasta", "houseplant", "skateboard", "camera", "guitar", "apartment", "jacket",
    "smoothie", "chess set", "tomatoes", "kayak", "headphones", "tacos", "sketchbook",
    "group chat", "yoga mat", "pizza", "record player", "spreadsheet", "pancakes", "tent",
    "sneakers", "umbrella", "board game", "soup", "bookshelf", "haircut", "lasagna",
    "telescope", "sweater", "birthday cake", "fridge", "printer", "canoe", "lamp", "scarf",
    "blender", "mixtape", "jigsaw puzzle", "ukulele", "sandwich", "dumplings", "notebook",
    "parking ticket", "sofa", "kite", "watermelon", "vacuum", "quiz night", "bus pass",
)  # fmt: skip
_TAILS = (
    "this morning", "last night", "today", "on sunday", "after work", "at lunch",
    "before the game", "all weekend", "since tuesday", "at 2am", "yesterday",
    "over the holidays", "on my commute", "at the farmers market", "in the park", "downtown",
    "at my cousin's place", "on the train", "at the new cafe", "in the office", "at the gym",
    "by the lake", "at the airport", "in the garden", "at the library", "on the beach",
    "at the stadium", "in the rain", "during the meeting", "at grandma's", "in the snow",
)  # fmt: skip
_REACTIONS = (
    "10/10", "no regrets", "send help", "worth it", "never again", "highly recommend",
    "still laughing", "we move", "i'm crying", "love that for me", "what a time", "big mood",
    "classic", "unreal", "iconic behaviour", "thoughts?", "why is this my life", "so proud",
)  # fmt: skip
_HASHTAGS = (
    "#weekend", "#foodie", "#running", "#garden", "#mondaymotivation", "#bookclub",
    "#travel", "#coffee", "#nofilter", "#homemade", "#diy", "#music", "#catsofinstagram",
    "#throwback", "#study", "#photography", "#fitness", "#vegan", "#vinyl", "#hiking",
)  # fmt: skip
_EMOJI = ("😂", "🙌", "✨", "😭", "☕", "🌱", "🔥", "🙃", "❤️", "👀", "🎶", "🍕", "💪")
_NAMES = (
    "alex", "sam", "jordan", "maria", "kenji", "fatima", "lukas", "priya", "tom", "ines",
    "noah", "aisha", "mateo", "chloe", "ravi", "emma", "yusuf", "lena", "omar", "zoe",
)  # fmt: skip

_FIRST_NAMES = (
    "Dana", "Marcus", "Priya", "Tom", "Elena", "Grant", "Sofia", "James", "Nadia", "Luis",
    "Helen", "Victor", "Amara", "Connor", "Mei", "Rashid", "Olga", "Pedro", "Ingrid", "Kofi",
)  # fmt: skip
_SURNAMES = (
    "Rivera", "Hale", "Nandakumar", "Okafor", "Vasquez", "Whitfield", "Lindqvist",
    "Abernathy", "Karimi", "Ortega", "Brennan", "Castellano", "Mbeki", "Yamada", "Fischer",
    "Delacroix", "Novak", "Sorensen", "Adeyemi", "Kowalski", "Moreau", "Haddad",
)  # fmt: skip
_ISSUES = (
    "manufacturing jobs", "healthcare costs", "the new bridge", "rent prices",
    "public schools", "clean water", "small businesses", "the night bus", "police funding",
    "our veterans", "childcare", "farm subsidies", "broadband in rural towns", "the port",
    "property taxes", "the hospital expansion", "student debt", "wildfire prevention",
    "the steel plant", "senior care", "road repairs", "the flood barrier", "teacher pay",
)  # fmt: skip
_CLAIMS = (
    "has a real plan for", "will finally fix", "fought for years for", "is serious about",
    "delivered on", "never stopped working on", "knows how to protect", "will stand up for",
    "has a record you can check on", "will cut the red tape around", "brought money to",
)  # fmt: skip
_CALLS = (
    "That is why I am voting for {name} on Tuesday.", "Join us this weekend at the town hall.",
    "Tell your friends and family to get out and vote.", "Results matter, not speeches.",
    "I have seen it up close and I am all in.", "Do not let anyone tell you otherwise.",
    "Check the record yourself before you decide.", "We cannot afford more years of excuses.",
    "Early voting starts Monday, make a plan today.", "This is what leadership looks like.",
    "Stand with {name} and share this.", "{name} listens, and it shows.",
)  # fmt: skip
_COMPLAINTS = (
    "Families here are tired of {issue} being ignored.", "Nobody else even talks about {issue}.",
    "For too long {issue} got nothing but promises.", "Ask anyone in town about {issue}.",
    "Our kids deserve better on {issue}.", "Every year {issue} gets worse and they shrug.",
)  # fmt: skip
_BRANDS = (
    "GlowCo", "FitNest", "BrewBox", "Lumen Studio", "PeakFuel", "Verdant", "NordTrail",
    "Sunday Supply", "ByteBank", "Oatly Farms", "Kinfolk Tea", "UrbanRoll", "Mintwise",
)  # fmt: skip
_PRODUCTS = (
    "serum", "protein shake", "coffee subscription", "headphones", "running app",
    "meal kit", "savings account", "hiking jacket", "oat milk", "green tea", "e-scooter",
    "budget planner", "face mask",
)  # fmt: skip
_BENEFITS = (
    "changed my mornings", "actually works", "saved me so much time", "is worth every cent",
    "made my skin so much calmer", "keeps me going all day", "fits my budget",
    "is the only one I trust", "made this month so much easier", "beats everything I tried",
)  # fmt: skip
_BRAND_OPENINGS = (
    "Been using the {brand} {product} for {n} weeks and it {benefit}.",
    "Obsessed with my new {product} from {brand}, it {benefit}.",
    "{brand} sent me their {product} and I was sceptical but it {benefit}.",
    "Nobody talks about how the {brand} {product} {benefit}.",
    "Three words: {brand} {product}. It {benefit}.",
    "My {person} got me hooked on {brand} and the {product} {benefit}.",
)  # fmt: skip
_BRAND_LINES = (
    "Honestly the {product} {benefit}.", "If you need a {product}, this is it.",
    "Cannot go back to anything else now.", "Five stars from me and my {person}.",
    "Link in bio if you want to try it.", "Use code {code} for {n}% off at {site}.",
    "Code {code} still works for {n}% off.", "Grab yours before the {day} restock.",
    "Small brand, big heart, go support them.", "Not sponsored, I just love it.",
)  # fmt: skip
_DAYS = ("monday", "friday", "weekend", "holiday", "spring", "summer")
#: What a copy's changed word becomes.
_SUBSTITUTES = (
    "really", "truly", "our", "this", "folks", "people", "neighbors", "always", "now",
    "every", "great", "strong", "honest", "proud", "county", "city", "state", "future",
)  # fmt: skip


@dataclass(frozen=True)
class SimulatedPost:
    """A generated post and, for a campaign's copy, the campaign it copies."""

    external_id: str
    text: str
    author: str
    campaign: int | None


def _organic_sentence(rng: random.Random) -> str:
    """Subject, verb, object and a tail, each drawn on its own: few fixed words, so two
    posts share words by chance, not templates."""
    thing = f"{rng.choice(_DETERMINERS)} {rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
    sentence = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {thing}"
    if rng.random() < 0.7:
        sentence += f" {rng.choice(_TAILS)}"
    if rng.random() < 0.3:
        sentence += f", {rng.choice(_REACTIONS)}"
    return sentence


def _organic_post(rng: random.Random) -> str:
    parts = [rng.choice(_OPENERS)] if rng.random() < 0.25 else []
    parts += [_organic_sentence(rng) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))]
    text = ". ".join(parts)
    if rng.random() < 0.6:
        text = text[0].upper() + text[1:]
    if rng.random() < 0.2:
        text = f"@{rng.choice(_NAMES)}{rng.randint(1, 999)} {text}"
    if rng.random() < 0.4:
        text += " " + " ".join(rng.sample(_EMOJI, rng.randint(1, 2)))
    if rng.random() < 0.35:
        text += " " + " ".join(rng.sample(_HASHTAGS, rng.randint(1, 4)))
    if rng.random() < 0.1:
        text += f" https://example.com/{rng.getrandbits(32):x}"
    return text


def _talking_point(rng: random.Random) -> str:
    """A campaign's message of 14-28 words: a candidate's or a brand's sentences, cut."""
    if rng.random() < 0.6:
        name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES)}"
        issue, other = rng.sample(_ISSUES, 2)
        sentences = [
            f"{name} {rng.choice(_CLAIMS)} {issue}.",
            rng.choice(_COMPLAINTS).format(issue=issue),
            *(c.format(name=name.split()[-1]) for c in rng.sample(_CALLS, 2)),
            f"{name.split()[-1]} {rng.choice(_CLAIMS)} {other} too.",
        ]
    else:
        fill = {
            "brand": rng.choice(_BRANDS),
            "product": rng.choice(_PRODUCTS),
            "person": rng.choice(_SUBJECTS[2:]).removeprefix("my ").removeprefix("the "),
            "code": f"{rng.choice(_NAMES).upper()}{rng.randint(10, 40)}",
            "day": rng.choice(_DAYS),
        }
        fill["site"] = fill["brand"].lower().replace(" ", "") + ".com"
        benefits = rng.sample(_BENEFITS, 3)
        sentences = [
            rng.choice(_BRAND_OPENINGS).format(n=rng.randint(2, 9), benefit=benefits[0], **fill),
            *(
                line.format(n=rng.choice((10, 15, 20, 25)), benefit=benefit, **fill)
                for line, benefit in zip(rng.sample(_BRAND_LINES, 2), benefits[1:], strict=True)
            ),
        ]
    first, rest = sentences[0], sentences[1:]
    rng.shuffle(rest)
    words = " ".join([first, *rest]).split()
    return " ".join(words[: rng.randint(14, 28)])


def _copy(rng: random.Random, point: str) -> str:
    """One account's paste: up to two words changed or dropped, maybe a link and a mention."""
    words = point.split()
    for _ in range(rng.randint(0, 2)):
        at = rng.randrange(len(words))
        if rng.random() < 0.5:
            words[at] = rng.choice(_SUBSTITUTES)
        else:
            del words[at]
    text = " ".join(words)
    if rng.random() < 1 / 3:
        text += f" https://bit.ly/{rng.getrandbits(40):x}"
    if rng.random() < 1 / 3:
        text = f"@{rng.choice(_NAMES)}{rng.randint(1, 9999)} {text}"
    return text


#: Campaigns are distinct messages: no two talking points share more of their words
#: (Jaccard similarity of the sets of words).
_MAX_OVERLAP = 0.3
_WORDS = re.compile(r"\w+")


def _distinct_point(rng: random.Random, others: list[set[str]]) -> str:
    """A talking point sharing at most ``_MAX_OVERLAP`` of its words with each other one."""
    for _ in range(10_000):
        point = _talking_point(rng)
        words = set(_WORDS.findall(point.casefold()))
        if all(len(words & o) <= _MAX_OVERLAP * len(words | o) for o in others):
            others.append(words)
            return point
    raise ValueError(f"cannot draw {len(others) + 1} distinct talking points")


def simulated_posts(*, organic: int, campaigns: int, seed: int = 17) -> list[SimulatedPost]:
    """``organic`` distinct organic posts and ``campaigns`` distinct campaigns of 5-40
    copies each, every copy by a different account, shuffled. The same arguments give the
    same posts."""
    rng = random.Random(seed)
    posts: list[SimulatedPost] = []
    seen: set[str] = set()
    while len(posts) < organic:
        text = _organic_post(rng)
        if text.casefold() in seen:
            continue
        seen.add(text.casefold())
        author = f"{rng.choice(_NAMES)}_{rng.randint(1, 5000)}"
        posts.append(SimulatedPost(f"o{len(posts)}", text, author, None))
    points: list[set[str]] = []
    for campaign in range(campaigns):
        point = _distinct_point(rng, points)
        accounts = rng.sample(range(100_000), rng.randint(5, 40))
        for copy, account in enumerate(accounts):
            posts.append(
                SimulatedPost(f"c{campaign}-{copy}", _copy(rng, point), f"acct{account}", campaign)
            )
    rng.shuffle(posts)
    return posts


@dataclass(frozen=True)
class PairwiseScores:
    """Pairs of posts put in one cluster against pairs of posts from one campaign."""

    true_pairs: int
    found_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        """Of the pairs put together, the share that are one campaign's (1.0 when none)."""
        return self.correct_pairs / self.found_pairs if self.found_pairs else 1.0

    @property
    def recall(self) -> float:
        """Of one campaign's pairs, the share put together (1.0 when there are none)."""
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def pairwise_scores(
    clusters: Iterable[Iterable[str]], campaign_of: Mapping[str, int | None]
) -> PairwiseScores:
    """Pairwise precision and recall of ``clusters`` (external ids) against the campaigns;
    posts without a campaign (``None`` or absent) belong to no true pair."""
    true_pairs = sum(_pairs(n) for c, n in Counter(campaign_of.values()).items() if c is not None)
    found_pairs = correct_pairs = 0
    for members in clusters:
        ids = list(members)
        found_pairs += _pairs(len(ids))
        by_campaign = Counter(campaign_of.get(i) for i in ids)
        correct_pairs += sum(_pairs(n) for c, n in by_campaign.items() if c is not None)
    return PairwiseScores(true_pairs, found_pairs, correct_pairs)


def whole_campaigns(
    clusters: Iterable[Iterable[str]], campaign_of: Mapping[str, int | None]
) -> int:
    """How many campaigns are found exactly: one cluster holding all their copies and
    nothing else."""
    sizes = Counter(c for c in campaign_of.values() if c is not None)
    whole = 0
    for members in clusters:
        found = Counter(campaign_of.get(i) for i in members)
        if len(found) == 1:
            ((campaign, count),) = found.items()
            whole += campaign is not None and count == sizes[campaign]
    return whole
