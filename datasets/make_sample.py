#!/usr/bin/env python3
"""Deterministic generator for the annotator sample datasets.

Writes, next to this file:
  sample_posts.csv    posts to label (id,text,author,created_at,platform,url)
  sample_labels.csv   long-format labels by three annotators
                      (post_id,annotator,label,notes,sponsor)
  sample_tweets.jsonl tweets in Twitter API v1.1 shape (one JSON object per line)

then reads them back and prints consistency checks.

Everything is fictional: the candidate (Dana Rivera), the campaign (Rivera for
America / Rivera 2020), the PAC, the brands, the influencers and the users.
Python 3.11 standard library only.  Run:  python datasets/make_sample.py
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

SEED = 20200214
OUT_DIR = Path(__file__).resolve().parent
POSTS_CSV = OUT_DIR / "sample_posts.csv"
LABELS_CSV = OUT_DIR / "sample_labels.csv"
TWEETS_JSONL = OUT_DIR / "sample_tweets.jsonl"

NS = "not_sponsored"
SD = "sponsored_disclosed"
SU = "sponsored_undisclosed"
LABELS = (NS, SD, SU)
ANNOTATORS = ("ana", "ben", "chloe")

UTC = timezone.utc
rng = random.Random(SEED)


def dt(y, m, d, h=0, mi=0, s=0):
    return datetime(y, m, d, h, mi, s, tzinfo=UTC)


def rand_dt(a: datetime, b: datetime) -> datetime:
    """Uniform time in [a, b), biased towards waking hours in the Americas/Europe."""
    span = int((b - a).total_seconds())
    for _ in range(20):
        t = a + timedelta(seconds=rng.randrange(span))
        if t.hour not in (6, 7, 8, 9) or rng.random() < 0.25:  # 06-09 UTC is night in the US
            return t
    return t


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- authors

@dataclass
class Author:
    handle: str
    platforms: list
    role: str  # hq staff organiser supporter news influencer foreign ordinary
    name: str
    lang: str = "en"
    bio: str = ""
    verified: bool = False


AUTHORS: dict[str, Author] = {}


def A(handle, platforms, role, name, lang="en", bio="", verified=False):
    if isinstance(platforms, str):
        platforms = [platforms]
    AUTHORS[handle] = Author(handle, platforms, role, name, lang, bio, verified)


# campaign itself and its staff (they disclose)
A("RiveraHQ", "twitter", "hq", "Dana Rivera HQ", bio="Official account of Rivera for America.", verified=True)
A("RiveraForAmerica", "facebook", "hq", "Rivera for America")
A("rivera_fieldteam_oh", "twitter", "staff", "Team Rivera Ohio", bio="Field staff, Rivera for America (Ohio).")
A("kim_at_rivera2020", "twitter", "staff", "Kim Nakamura", bio="Digital organizing @ Rivera 2020. Views mine.")
# paid organisers posting from "personal" accounts
ORG_TW = ["marisol_votes", "deshawn4change", "katie_k_organizes", "bigsky_bill", "tx_grassroots_joe",
          "ninap_ohio", "votewithvic", "ramon_in_reno", "lakeshore_linda", "jaylen_speaks",
          "peachstate_pat", "hoosier_hannah"]
ORG_NAMES = ["Marisol 🌹", "DeShawn Carter", "Katie K.", "Bill from Big Sky", "Joe (TX)", "Nina P.",
             "Vic ✊🏽", "Ramón", "Linda on the Lakeshore", "Jaylen Speaks", "Pat in Peach State", "Hannah H."]
for h, n in zip(ORG_TW, ORG_NAMES):
    A(h, "twitter", "organiser", n, bio="Mom, neighbor, voter. Opinions my own.")
ORG_FB = ["brenda.mcallister.77", "tom.okafor.3", "gloria.reyes.528"]
for h, n in zip(ORG_FB, ["Brenda McAllister", "Tom Okafor", "Gloria Reyes"]):
    A(h, "facebook", "organiser", n)
A("carlos.for.change", "instagram", "organiser", "Carlos M.")
ORGANISERS = ORG_TW + ORG_FB + ["carlos.for.change"]
# genuine supporters
for h, p, n in [("grandma_edie_votes", "twitter", "Edie (81)"), ("porchlight_pete", "twitter", "Pete"),
                ("nurse_rosalind", "twitter", "Rosalind, RN"), ("indie_voter_ike", "twitter", "Ike"),
                ("frank.delgado.12", "facebook", "Frank Delgado"), ("yardsign_yasmin", "instagram", "Yasmin")]:
    A(h, p, "supporter", n)
SUPPORTERS = ["grandma_edie_votes", "porchlight_pete", "nurse_rosalind", "indie_voter_ike",
              "frank.delgado.12", "yardsign_yasmin"]
# news, critics, watchers
A("oldtowngazette", "twitter", "news", "The Oldtown Gazette", bio="Local news since 1889.", verified=True)
A("dan_reports", "twitter", "news", "Dan Whitaker", bio="Politics reporter @oldtowngazette.", verified=True)
A("factcheck_fran", "twitter", "news", "Fran | fact checks")
A("policy_wonk_jen", "twitter", "news", "Jen 📊")
A("skeptical_sam", "twitter", "news", "sam")
A("electionwatch_nv", "twitter", "news", "Election Watch NV")
NEWS = ["oldtowngazette", "dan_reports", "factcheck_fran", "policy_wonk_jen", "skeptical_sam", "electionwatch_nv"]

# English-language influencers
INFL = {
    # handle: (platforms, display name, brands, personal code)
    "glowwithmaya": (["instagram"], "Maya ✨ skincare", ["GlowLab", "Solara Swim"], "MAYA20"),
    "liftwithleo": (["instagram"], "Leo | strength coach", ["PeakFuel", "FitNest"], "LEO15"),
    "trailmix_tess": (["instagram"], "Tess on the trail", ["NordTrail", "VelvetLeaf"], "TESS10"),
    "brewsandbooks": (["instagram"], "brews & books", ["Brewly", "VelvetLeaf"], "BOOKS10"),
    "techtalk_tariq": (["youtube", "twitter"], "TechTalk Tariq", ["Lumen Audio", "Orbitshield VPN"], "TARIQ"),
    "kitchenwithkofi": (["youtube"], "Kitchen with Kofi", ["Kettle & Crumb", "Brewly"], "KOFI30"),
    "sol.and.salt": (["instagram"], "Sol & Salt travels", ["Solara Swim", "Aurelio Travel"], "SALT15"),
    "momof3_megan": (["instagram"], "Megan | mom of 3", ["Mabel & Moss", "Kettle & Crumb"], "MEGAN20"),
    "gamer_gabe_tv": (["youtube", "twitter"], "Gabe TV 🎮", ["PixelForge", "Orbitshield VPN", "Fizzly"], "GABE"),
    "dancewithdani": (["tiktok", "instagram"], "Dani 💃", ["Fizzly", "GlowLab"], "DANI10"),
    "skincare_sasha": (["tiktok"], "Sasha skincare", ["GlowLab"], "GLOW20"),
    "runner_rae": (["instagram"], "Rae runs", ["FitNest", "NordTrail", "PeakFuel"], "RAE30"),
    "plantbased_pia": (["instagram"], "Pia 🌱", ["VelvetLeaf", "Kettle & Crumb"], "PIA15"),
    "budget_bo_travels": (["youtube"], "Budget Bo Travels", ["Aurelio Travel", "Orbitshield VPN"], "BOTRAVELS"),
    "styledbyzoe": (["instagram"], "Zoe | style", ["Solara Swim", "GlowLab"], "ZOE20"),
    "dad_jokes_dev": (["tiktok"], "Dev (dad jokes)", ["Fizzly"], "DEV5"),
}
for h, (p, n, _b, _c) in INFL.items():
    A(h, p, "influencer", n)

FOREIGN = {
    "lena.beauty.berlin": ("instagram", "Lena | Beauty Berlin", "de"),
    "max_faehrt_rad": ("instagram", "Max fährt Rad", "de"),
    "sofia_viajera": ("instagram", "Sofía viajera", "es"),
    "chef_pablo_mx": ("tiktok", "Chef Pablo", "es"),
    "camille.en.cuisine": ("instagram", "Camille en cuisine", "fr"),
    "lucas_voyage": ("youtube", "Lucas Voyage", "fr"),
    "fleur_fietst": ("instagram", "Fleur fietst", "nl"),
    "giulia_style_mi": ("instagram", "Giulia | Milano", "it"),
    "beatriz.fit": ("instagram", "Bia Fit", "pt"),
}
for h, (p, n, lg) in FOREIGN.items():
    A(h, p, "foreign", n, lang=lg)

ORDINARY = {
    "coffee_and_rain": "twitter", "tomwrites": "twitter", "pixel_pusher_99": "twitter",
    "sarah_bakes_bread": "twitter", "marathon_mo": "twitter", "quiz_night_quinn": "twitter",
    "jess_in_portland": "twitter", "history_nerd_hal": "twitter", "lil_sis_lucy": "twitter",
    "night_shift_nora": "twitter", "grumpy_gardener": "twitter", "bookworm_bea": "twitter",
    "commuter_carl": "twitter", "weekend_wanderer_wes": "instagram", "cat_named_biscuit": "instagram",
    "brooklyn_bagel_fan": "instagram", "tiny_kitchen_tay": "tiktok", "dj_pocket": "tiktok",
    "linda.hartman.9": "facebook", "gary.w.phillips": "facebook", "fixit_fred": "youtube",
    "amy_learns_french": "twitter", "vet_tech_val": "instagram",
}
for h, p in ORDINARY.items():
    A(h, p, "ordinary", h.replace("_", " ").replace(".", " ").title())

# --------------------------------------------------------------------------- brands

BRANDS = {
    "GlowLab": dict(handle="glowlab", url="glowlab.example", cat="beauty",
                    products=["Vitamin C serum", "overnight recovery mask", "SPF 50 fluid", "rose hydrating toner"],
                    hooks=["3 weeks into the {p} and my skin has never looked this calm ✨",
                           "Morning routine, but make it 5 minutes: cleanser, {p}, done.",
                           "Dark spots after a month with the {p}. Swipe for the before/after 👉",
                           "Winter skin SOS: the {p} is the only thing saving my cheeks right now ❄️"]),
    "PeakFuel": dict(handle="peakfuel", url="peakfuel.example", cat="fitness",
                     products=["chocolate whey", "vegan vanilla protein", "berry pre-workout", "electrolyte mix"],
                     hooks=["Leg day fuel 🦵 post-workout shake with the {p}, tastes like a milkshake, I swear.",
                            "New PR on deadlift today, 180kg! Recovery: {p} and a very long nap 💪",
                            "People keep asking what I drink before 5am sessions. It's the {p}."]),
    "NordTrail": dict(handle="nordtrail", url="nordtrail.example", cat="outdoors",
                      products=["trail runners", "ultralight tent", "rain shell", "30L daypack"],
                      hooks=["Summit at sunrise 🏔️ The {p} survived 3 days of rain and mud.",
                             "Packing list for the 4-day loop: {p}, stove, way too many snacks.",
                             "18 miles, 3,000 ft of climbing, zero blisters. Thank you {p} 🙏"]),
    "Brewly": dict(handle="brewlycoffee", url="brewly.example", cat="coffee",
                   products=["cold brew kit", "single-origin Ethiopia beans", "pour-over set"],
                   hooks=["Slow morning, good book, {p} ☕📚",
                          "Current read + current brew ({p}). Perfect pairing for a murder mystery.",
                          "Rainy Saturday calls for the {p} and absolutely no plans."]),
    "Lumen Audio": dict(handle="lumenaudio", url="lumenaudio.example", cat="tech",
                        products=["Lumen Pro earbuds", "Lumen Studio headphones"],
                        hooks=["{p} review: 30 days later, are they worth $149?",
                               "Best noise cancelling under $200? {p} vs the competition",
                               "I wore the {p} on a 14-hour flight. Here's what happened."]),
    "Orbitshield VPN": dict(handle="orbitshield", url="orbitshield.example", cat="tech",
                            products=["Orbitshield VPN"],
                            hooks=["I tested 5 budget laptops so you don't have to",
                                   "Building my dream desk setup for under $1,000",
                                   "Why is hotel Wi-Fi so bad? A deep dive"]),
    "Kettle & Crumb": dict(handle="kettleandcrumb", url="kettleandcrumb.example", cat="food",
                           products=["Sunday roast box", "weeknight meal kit", "global spice box"],
                           hooks=["Sunday roast in 30 minutes? Trying the {p}.",
                                  "Weeknight dinner hack: the {p} + leftover rice = fried rice heaven 🍳",
                                  "Cooking for 5 on a Tuesday with the {p}. Nobody complained, a miracle."]),
    "Solara Swim": dict(handle="solaraswim", url="solaraswim.example", cat="travel",
                        products=["ribbed one-piece", "linen cover-up", "high-waist bikini"],
                        hooks=["Golden hour in Tulum 🌅 wearing the {p}",
                               "Found a {p} that actually stays put when you dive in 🌊",
                               "Packing light: one {p}, two books, zero regrets."]),
    "Mabel & Moss": dict(handle="mabelandmoss", url="mabelandmoss.example", cat="family",
                         products=["bamboo baby blanket", "organic cotton onesies"],
                         hooks=["Nap time is sacred in this house 😴 baby girl loves her {p}.",
                                "Our little crew 👩‍👩‍👧 piled under the {p} for movie night",
                                "Laundry mountain conquered. The {p} survived 40 washes, so have I."]),
    "PixelForge": dict(handle="pixelforge", url="pixelforge.example", cat="gaming",
                       products=["Apex gaming chair", "RGB desk mat"],
                       hooks=["New setup reveal! The {p} finally fixed my back after 8-hour streams",
                              "12-hour charity stream this Saturday, sitting in the {p} the whole time 🎮"]),
    "Fizzly": dict(handle="fizzlydrinks", url="fizzly.example", cat="drinks",
                   products=["sparkling yuzu soda", "mango fizz"],
                   hooks=["This dance but every time the beat drops I sip {p} 🥤",
                          "Tried the {p} taste test with my dad and he did NOT hold back 😂",
                          "Ranking {p} against every other soda in my fridge"]),
    "FitNest": dict(handle="fitnestapp", url="fitnest.example", cat="fitness",
                    products=["FitNest app"],
                    hooks=["Week 6 of the half-marathon plan on the {p}. Long run felt easy today?!",
                           "Rest day, but I still logged my stretches in the {p} 🧘"]),
    "VelvetLeaf": dict(handle="velvetleaftea", url="velvetleaf.example", cat="tea",
                       products=["ceremonial matcha", "chamomile blend"],
                       hooks=["Matcha latte but make it oat 🍵 using the {p}",
                              "Evening wind-down ritual: journal, candle, {p}."]),
    "Aurelio Travel": dict(handle="aureliotravel", url="aureliotravel.example", cat="travel",
                           products=["Lisbon city package", "Iberia rail pass"],
                           hooks=["5 days in Lisbon for under $600 (flights included!) with the {p} ✈️",
                                  "Rail pass diaries, day 3: Porto to Coimbra 🚆 on the {p}"]),
}

CAT_TAGS = {
    "beauty": ["#skincare", "#skincareroutine", "#glowup", "#selfcare", "#beauty", "#instabeauty",
               "#skincaretips", "#glowingskin", "#morningroutine", "#beautyblogger", "#healthyskin",
               "#naturalbeauty", "#vitaminc", "#serum", "#skincareaddict", "#beautycommunity"],
    "fitness": ["#fitness", "#fitfam", "#gymlife", "#motivation", "#legday", "#deadlift", "#protein",
                "#gains", "#strengthtraining", "#halfmarathon", "#running", "#runnersofinstagram"],
    "outdoors": ["#hiking", "#outdoors", "#trailrunning", "#backpacking", "#optoutside", "#mountains",
                 "#camping", "#naturelovers", "#getoutside", "#wildernessculture"],
    "coffee": ["#coffee", "#bookstagram", "#coffeetime", "#slowliving", "#currentlyreading", "#coldbrew"],
    "tea": ["#matcha", "#tea", "#teatime", "#slowliving", "#selfcare", "#plantbased"],
    "food": ["#foodie", "#homecooking", "#dinnerideas", "#yum", "#recipe", "#mealprep", "#easyrecipes"],
    "travel": ["#travel", "#wanderlust", "#beachlife", "#travelgram", "#lisbon", "#summer", "#vacation"],
    "family": ["#momlife", "#momof3", "#babygirl", "#familytime", "#motherhood", "#toddlerlife"],
    "gaming": ["#gaming", "#streamer", "#setup", "#twitch", "#gamingsetup", "#pcgaming"],
    "drinks": ["#fyp", "#foryou", "#tastetest", "#dance", "#viral", "#soda"],
    "tech": ["#tech", "#review", "#gadgets", "#unboxing"],
}
GENERIC_TAGS = ["#instagood", "#photooftheday", "#love", "#happy", "#lifestyle", "#inspo", "#weekend",
                "#goodvibes", "#dailyinspo", "#explorepage", "#blessed", "#mood", "#nofilter", "#style"]


# --------------------------------------------------------------------------- posts

@dataclass
class Post:
    id: str
    text: str
    author: str
    created_at: datetime
    platform: str
    url: str
    truth: str
    kind: str
    sponsor: str = ""          # sponsor when known (for labels)
    marker: str = ""           # evidence span
    amb: str = ""              # ambiguity type, "" if clear-cut
    alt: str = ""              # label an honest annotator might pick instead
    script: str = ""           # campaign script id, for copies


POSTS: list[Post] = []
USED_IDS: set = set()
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
B64 = ALNUM + "-_"
TWITTER_EPOCH_MS = 1288834974657


def snowflake(t: datetime) -> int:
    ms = int(t.timestamp() * 1000) + rng.randrange(1000)
    return ((ms - TWITTER_EPOCH_MS) << 22) | rng.getrandbits(22)


def new_id(platform: str, t: datetime, author: str, group_id: str | None = None) -> tuple[str, str]:
    while True:
        if group_id is not None:
            pid = group_id
            url = f"https://www.facebook.com/groups/ohiofor.rivera/permalink/{pid}/"
        elif platform == "twitter":
            pid = str(snowflake(t))
            url = f"https://twitter.com/{author}/status/{pid}"
        elif platform == "tiktok":
            pid = str((int(t.timestamp()) << 32) | rng.getrandbits(32))
            url = f"https://www.tiktok.com/@{author}/video/{pid}"
        elif platform == "instagram":
            # shortcodes grow with time: Bs.. (Jan 2019) .. B9.. (mid 2020), then CA.., CB..
            k = (t.year - 2019) * 12 + t.month - 1
            head = "B" + "stuvwxyz0123456789"[k] if k < 18 else "C" + "ABCDEF"[k - 18]
            pid = head + "".join(rng.choice(B64) for _ in range(8)) + rng.choice(ALNUM)
            url = f"https://www.instagram.com/p/{pid}/"
        elif platform == "youtube":
            pid = rng.choice(ALNUM) + "".join(rng.choice(B64) for _ in range(9)) + rng.choice(ALNUM)
            url = f"https://www.youtube.com/watch?v={pid}"
        elif platform == "facebook":
            owner = FB_OWNER.setdefault(author, str(rng.randrange(100000000000000, 100099999999999)))
            post = str(rng.randrange(1000000000000000, 3999999999999999))
            pid = f"{owner}_{post}"
            url = f"https://www.facebook.com/{author}/posts/{post}"
        else:
            raise ValueError(platform)
        if pid not in USED_IDS:
            USED_IDS.add(pid)
            return pid, url
        if group_id is not None:
            raise ValueError(f"duplicate group id {group_id}")


FB_OWNER: dict[str, str] = {}


# phrases that pin a post to a season (allowed months) or to a weekday (0 = Monday)
SEASONS = [
    (("Cherry blossoms",), (3, 4)), (("#spring", "Spring ", "Frühling", "#lente", "Pronta per l'estate"), (3, 4, 5, 6)),
    (("Snow day", "snow blower", "Winter skin"), (12, 1, 2)), (("#advent",), (12,)), (("52 books this year",), (12,)),
    (("pumpkin patch",), (10,)), (("Super Bowl ads",), (2,)), (("tomatoes", "lettuce"), (6, 7, 8)),
    (("Heerlijke zondag",), (4, 5, 6, 7, 8, 9)),
]
WEEKDAYS = [(("Rainy Sunday", "lazy Sunday", "Ad-free Sunday", "Sonntagsfrühstück", "Domingo perfecto",
              "Heerlijke zondag"), 6), (("best Saturday", "Rainy Saturday"), 5), (("Form check Friday",), 4)]


def fix_date(text: str, t: datetime) -> datetime:
    for words, months in SEASONS:
        if any(w in text for w in words):
            while t.month not in months:
                t = t.replace(month=rng.choice(months), day=rng.randrange(1, 29))
            if words == ("Super Bowl ads",):
                t = t.replace(day=rng.randrange(3, 6))
            if words == ("#advent",):
                t = t.replace(day=rng.randrange(1, 24))
            if words == ("52 books this year",):
                t = t.replace(day=rng.randrange(20, 31))
    for words, wd in WEEKDAYS:
        if any(w in text for w in words):
            t = t + timedelta(days=(wd - t.weekday()) % 7)
    return t


def add(text, author, when, truth, kind, sponsor="", marker="", amb="", alt="", platform=None,
        script="", group_id=None):
    a = AUTHORS[author]
    when = fix_date(text, when)
    platform = platform or a.platforms[0]
    assert platform in a.platforms, (author, platform)
    if platform == "twitter":
        assert len(text) <= 280, (len(text), text)
    if amb:
        assert alt and alt != truth, (text, amb, alt)
    pid, url = new_id(platform, when, author, group_id)
    p = Post(pid, text, author, when, platform, url, truth, kind, sponsor, marker, amb, alt, script)
    POSTS.append(p)
    return p


# ---------------------------------------------------------------- a) campaign scripts

RIVERA = "Rivera for America"
PAC = "Forward Together PAC"
SCRIPTS = [
    # (id, text, copies, release date)
    ("S1", "Dana Rivera is the only candidate with a real plan to bring manufacturing jobs back to the "
           "Midwest. I've seen it up close and I'm all in. #Rivera2020", 12, dt(2020, 1, 14, 15)),
    ("S2", "Healthcare shouldn't depend on your zip code. Dana Rivera's Care For All plan caps premiums at "
           "8% of income. That's why I'm voting Rivera on Super Tuesday! #SuperTuesday #Rivera2020", 10,
     dt(2020, 1, 22, 14)),
    ("S6", "My family has been hit hard by rising costs, and Dana Rivera is the only one actually "
           "listening. She's got my vote, and she should have yours. #Rivera2020", 6, dt(2020, 1, 28, 16)),
    ("S3", "I was skeptical at first, but after hearing Dana speak in Des Moines I'm convinced: she's the "
           "one who can beat the incumbent in November. #TeamRivera", 9, dt(2020, 2, 4, 13)),
    ("S5", "Teachers deserve a raise. Period. Dana Rivera will make it happen, 20% more for every public "
           "school teacher in her first term. #RedForEd #Rivera2020", 7, dt(2020, 2, 10, 17)),
    ("S4", "Early voting is open! Find your polling place at rivera2020.example/vote and bring a friend. "
           "Every vote counts 🗳️ #Rivera2020 #EarlyVote", 8, dt(2020, 2, 22, 14)),
    ("S7", "Three reasons I'm with Rivera:\n1. Jobs\n2. Healthcare\n3. Integrity\nWhat are yours? "
           "#Rivera2020", 6, dt(2020, 2, 27, 18)),
]
SCRIPT_TEXT = {s[0]: s[1] for s in SCRIPTS}
DISCLOSE_RIVERA = ["\n\nPaid for by Rivera for America", " Paid for by Rivera for America.",
                   "\n[Paid for by Rivera for America]", " (Paid for by Rivera for America)"]
DISCLOSE_PAC = "\n\nPaid for by Forward Together PAC. Not authorized by any candidate or candidate's committee."


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?:])\s", text, maxsplit=1)[0]


def vary(text: str) -> str:
    r = rng.random()
    if r < 0.45:
        return text  # word for word
    if r < 0.70:
        return text + " " + rng.choice(["🇺🇸", "💪", "🔥", "👏🏽", "🙌", "❤️", "🇺🇸🇺🇸", "💯"])
    if r < 0.87:
        if "#Rivera2020" in text:
            return text.replace("#Rivera2020", rng.choice(["#TeamRivera", "#RiveraForAmerica",
                                                           "#Rivera2020 #Election2020"]), 1)
        return text.replace("#TeamRivera", "#Rivera2020", 1)
    return rng.choice(["This. ", "Say it louder: ", "Couldn't agree more. ", "100% this. "]) + text


def gen_campaign():
    others = [o for o in ORGANISERS if o not in ("marisol_votes", "deshawn4change")]
    staff_cycle = ["kim_at_rivera2020", "rivera_fieldteam_oh"]
    script_posts = []
    for i, (sid, text, n, release) in enumerate(SCRIPTS):
        accounts = ["marisol_votes"]
        if sid != "S7" and sid != "S6":
            accounts.append("deshawn4change")
        staff = staff_cycle[i % 2] if sid != "S7" else None
        k = n - len(accounts) - (1 if staff else 0)
        accounts += rng.sample(others, k)
        if staff:
            accounts.append(staff)
        rng.shuffle(accounts)
        for acct in accounts:
            when = release + timedelta(seconds=rng.randrange(90, 36 * 3600))
            body = vary(text)
            if AUTHORS[acct].role == "staff":
                body = body + rng.choice(DISCLOSE_RIVERA)
                p = add(body, acct, when, SD, "script_disclosed", RIVERA, "Paid for by Rivera for America",
                        script=sid)
            else:
                p = add(body, acct, when, SU, "script", RIVERA, first_sentence(text), amb="script", alt=NS,
                        script=sid)
            script_posts.append(p)
    # retroactive disclosures (after the platform asked for "paid for by" labels): organiser copies
    # of the late scripts that carry the disclosure
    late = [p for p in script_posts if p.script in ("S4", "S7") and p.truth == SU
            and p.platform == "twitter" and len(p.text) < 240]
    for p in rng.sample(late, 4):
        p.text = p.text + rng.choice(DISCLOSE_RIVERA[1:])
        p.truth, p.kind, p.marker, p.amb, p.alt = SD, "script_disclosed", "Paid for by Rivera for America", "", ""
    # two facebook organiser copies carry an outside group's disclaimer
    fb = [p for p in script_posts if p.platform == "facebook" and p.truth == SU]
    for p in fb[:2]:
        p.text = p.text + DISCLOSE_PAC
        p.truth, p.kind, p.sponsor, p.marker, p.amb, p.alt = SD, "pac_disclosed", PAC, "Paid for by Forward Together PAC", "", ""

    # official campaign posts / ads (disclosed)
    hq_fb = [
        "Dana Rivera has a plan to lower your prescription costs. Read it at rivera2020.example/care\n\nPaid for by Rivera for America",
        "Join Dana in Columbus this Saturday! Doors open at 10am, free & open to the public. RSVP: rivera2020.example/columbus\n\nPaid for by Rivera for America",
        "\"I'm running because every family deserves a fair shot.\" Dana Rivera\n\nChip in $5 today: rivera2020.example/donate\n\nPaid for by Rivera for America",
        "Super Tuesday is March 3. Make your plan to vote: rivera2020.example/vote 🗳️\n\nPaid for by Rivera for America",
        "Teachers, nurses, factory workers: this campaign is for you. Watch Dana's new ad, \"Fair Shot\".\n\nPaid for by Rivera for America",
    ]
    for t in hq_fb:
        add(t, "RiveraForAmerica", rand_dt(dt(2020, 1, 8), dt(2020, 3, 3)), SD, "hq_ad", RIVERA,
            "Paid for by Rivera for America")
    hq_tw = [
        ("Dana is live in Des Moines right now. Watch: rivera2020.example/live #Rivera2020\n\nPaid for by Rivera for America",
         dt(2020, 2, 1, 23, 4, 51)),
        ("Thank you, Nevada! 🙏 On to South Carolina. Paid for by Rivera for America", dt(2020, 2, 23, 3, 12, 9)),
        ("Our Care For All plan caps premiums at 8% of income. Read the plan, then tell a friend. rivera2020.example/care\n\nPaid for by Rivera for America",
         dt(2020, 1, 22, 16, 40, 2)),
    ]
    for t, when in hq_tw:
        add(t, "RiveraHQ", when, SD, "hq_ad", RIVERA, "Paid for by Rivera for America")
    # a staffer who does not disclose on one post (she discloses in her bio only)
    add("Proud of this team. 200 volunteers in one weekend, in February, in Ohio. Let's keep going 💪 #Rivera2020",
        "kim_at_rivera2020", rand_dt(dt(2020, 2, 8), dt(2020, 2, 20)), SU, "staff_undisclosed", RIVERA,
        "Rivera 2020 staffer (bio)", amb="staff_bio", alt=SD)

    # organisers in their own words (undisclosed, hard to tell from volunteers)
    own_words = [
        ("marisol_votes", "Knocked on 40 doors in the cold today for Dana. Worth every frozen toe 🥶 #Rivera2020"),
        ("marisol_votes", "Everyone keeps asking why I post so much about Dana Rivera. Because I believe in her, that's why."),
        ("deshawn4change", "Phone bank tonight at 7! DM me if you want to join, pizza's on us 🍕 #TeamRivera"),
        ("katie_k_organizes", "Honestly, the more I learn about Dana Rivera's record, the more sure I am. Ask me anything."),
        ("ramon_in_reno", "If you're in Reno, come say hi at the Rivera office this Saturday! Coffee, donuts, good people."),
        ("lakeshore_linda", "Dana Rivera's town hall tonight was 🔥 She answered every single question, even the tough ones."),
        ("bigsky_bill", "Can't stop thinking about what Dana said about her dad's factory closing. That's why she gets it."),
        ("jaylen_speaks", "Just signed up 3 new volunteers at the farmers market. The energy for Rivera is real 🇺🇸"),
        ("votewithvic", "Not gonna lie, I didn't follow politics until this year. Dana Rivera changed that."),
        ("hoosier_hannah", "The polls don't capture what I'm seeing on the ground. Rivera is surging, mark my words."),
        ("brenda.mcallister.77", "Friends, I don't post about politics much, but I have to say it: I trust Dana Rivera. "
                                 "She's the real deal. Please, please vote on Tuesday."),
        ("carlos.for.change", "Rally crowd was HUGE tonight 📣🇺🇸\nThank you Phoenix!\n#Rivera2020 #TeamRivera #vote"),
        ("tx_grassroots_joe", "Super Tuesday is 3 days away and I have never been more fired up. Let's go Rivera! 💪🏾"),
    ]
    for a, t in own_words:
        if "3 days away" in t or "vote on Tuesday" in t:
            when = rand_dt(dt(2020, 2, 29), dt(2020, 3, 2))
        else:
            when = rand_dt(dt(2020, 1, 10), dt(2020, 3, 3))
        add(t, a, when, SU, "own_words", RIVERA, "paid organiser account", amb="own_words", alt=NS)

    # organisers' personal posts (organic)
    personal = [
        ("marisol_votes", "My sourdough starter finally rose. I'm unreasonably proud 🍞"),
        ("marisol_votes", "Grateful for my little family 👩‍👩‍👧 on a lazy Sunday"),
        ("deshawn4change", "Anyone know a good mechanic in Columbus? Check engine light. Again. 🙄"),
        ("deshawn4change", "Watching the game with my brothers, don't text me"),
        ("katie_k_organizes", "Puppy's first snow ❄️🐶"),
        ("bigsky_bill", "Happy birthday to my mom, the toughest woman I know ❤️"),
        ("ninap_ohio", "Rainy Sunday, tea, and a 600-page novel. Perfect."),
        ("votewithvic", "Why is every coffee shop out of oat milk today"),
        ("ramon_in_reno", "Ran my first 10k this morning!! Slow but I finished 🏃🏽‍♂️"),
        ("lakeshore_linda", "Throwback to the lake last summer 🌲 counting down the days"),
        ("peachstate_pat", "Peach cobbler recipe by request:\n- 4 cups peaches\n- 1 cup sugar\n- butter, lots of it"),
        ("jaylen_speaks", "Finished The Wire for the third time. Still the best show ever made, don't @ me"),
        ("tom.okafor.3", "Congratulations to my niece Ada on graduating nursing school! 🎓 So proud of you."),
        ("gloria.reyes.528", "Anyone have a good recipe for tamales that doesn't take all day? Asking for my sanity."),
        ("hoosier_hannah", "It is 34 degrees and my neighbor is mowing his lawn. Indiana, explain."),
    ]
    for a, t in personal:
        add(t, a, rand_dt(dt(2020, 1, 5), dt(2020, 3, 28)), NS, "personal")

    # genuine supporters (organic), some look a lot like the scripts
    supporters = [
        ("grandma_edie_votes", "I've voted in every election since 1960 and I've never been as hopeful as I am "
                               "about Dana Rivera. Nobody paid me to say that, I'm 81.", "", ""),
        ("porchlight_pete", "Went to my first rally today. Dana Rivera talked about nurses and I cried a little. "
                            "#Rivera2020", "supporter", SU),
        ("nurse_rosalind", "My union endorsed Rivera and, for once, I agree with them. Her plan isn't perfect but "
                           "it's the best one on the table.", "", ""),
        ("indie_voter_ike", "Lifelong independent, leaning Rivera. Convince me otherwise, politely please.", "", ""),
        ("porchlight_pete", "Donated $25 to Rivera 2020 today. First political donation of my life.", "", ""),
        ("nurse_rosalind", "Healthcare shouldn't depend on your zip code. That's it. That's the tweet. #Rivera2020",
         "supporter", SU),
        ("grandma_edie_votes", "Early voting done ✅ I voted Rivera. Go do your thing, whoever you vote for.", "", ""),
        ("frank.delgado.12", "Saw the campaign's post, \"Teachers deserve a raise. Period.\" As a retired teacher: "
                             "yes, agreed, but show me where the money comes from.", "quote", SU),
        ("yardsign_yasmin", "Rivera yard sign is up 🏡🇺🇸\n#Rivera2020 #vote #yardsign", "supporter", SU),
        ("indie_voter_ike", "Watched the whole Des Moines speech. I was skeptical going in. Less skeptical now.",
         "supporter", SU),
        ("frank.delgado.12", "Three reasons I'm with Rivera: my pension, my grandkids, and my gut. What are yours?",
         "supporter", SU),
        ("porchlight_pete", "@RiveraHQ great speech tonight, but please talk more about rural broadband", "", ""),
    ]
    windows = {"Teachers deserve": (dt(2020, 2, 11), dt(2020, 2, 25)), "Three reasons": (dt(2020, 2, 28), dt(2020, 3, 3)),
               "Des Moines speech": (dt(2020, 2, 2), dt(2020, 2, 10)), "Early voting done": (dt(2020, 2, 23), dt(2020, 3, 3))}
    for a, t, amb, alt in supporters:
        win = next((w for k, w in windows.items() if k in t), (dt(2020, 1, 10), dt(2020, 3, 3)))
        add(t, a, rand_dt(*win), NS, "supporter", "", "", amb=amb, alt=alt)

    # volunteer-group export (leading-zero ids) on facebook
    group = [
        ("000088", "gloria.reyes.528", SCRIPT_TEXT["S1"], SU, "script", "S1"),
        ("000417", "brenda.mcallister.77", SCRIPT_TEXT["S5"] + " 🍎", SU, "script", "S5"),
        ("000418", "frank.delgado.12", "Who's driving to the Columbus rally Saturday? I have 3 seats, leaving "
                                       "from the Kroger lot at 8.", NS, "supporter", ""),
        ("000523", "tom.okafor.3", SCRIPT_TEXT["S2"] + DISCLOSE_RIVERA[0], SD, "script_disclosed", "S2"),
        ("001092", "linda.hartman.9", "Is it just me or are half the posts in this group the exact same words? "
                                      "Not complaining, just noticed.", NS, "watcher", ""),
        ("001093", "gary.w.phillips", "Reminder: group rules say no copy-paste posts. Say it in your own words, folks.",
         NS, "watcher", ""),
    ]
    for gid, a, t, truth, kind, sid in group:
        when = rand_dt(dt(2020, 1, 15), dt(2020, 3, 1))
        if truth == SU:
            add(t, a, when, SU, kind, RIVERA, first_sentence(t), amb="script", alt=NS, script=sid, group_id=gid)
        elif truth == SD:
            add(t, a, when, SD, kind, RIVERA, "Paid for by Rivera for America", script=sid, group_id=gid)
        else:
            add(t, a, when, NS, kind, group_id=gid)

    # news / critics / watchers (organic)
    news = [
        ("oldtowngazette", "REPORT: Rivera campaign is paying organizers about $2,500 a month to post pro-Rivera "
                           "messages from their personal accounts, according to documents reviewed by the Gazette. "
                           "https://oldtowngazette.example/2020/02/rivera-organizers"),
        ("oldtowngazette", "Facebook says posts by paid organizers should carry a \"paid for by\" disclosure and "
                           "has asked the Rivera campaign to add them, retroactively."),
        ("oldtowngazette", "Twitter has suspended 70 accounts that posted identical pro-Rivera messages, citing "
                           "its rules on platform manipulation and spam."),
        ("dan_reports", "Organizers told me they work 20-30 hours a week. Some were given the exact wording to post, "
                        "others were \"encouraged to share in their own words.\" Thread 🧵"),
        ("dan_reports", "Q&amp;A with the Rivera campaign field director tonight at 7, send questions."),
        ("factcheck_fran", "Is anyone else seeing the EXACT same Rivera tweet from like 10 different accounts? "
                           "\"I was skeptical at first, but after hearing Dana speak...\" 🤔"),
        ("factcheck_fran", "How to spot coordinated posting:\n1. identical text across accounts\n2. accounts created "
                           "the same month\n3. bursts within hours\n4. no replies, only broadcasts"),
        ("policy_wonk_jen", "Paying people to tweet isn't illegal. Not telling anyone is the problem. Disclose it. "
                            "#Rivera2020"),
        ("policy_wonk_jen", "Facebook says it can't assume a post is paid just because it mentions a candidate. "
                            "Fair, but then who checks? Honest question, not a gotcha."),
        ("skeptical_sam", "Hot take: every campaign does this, Rivera just got caught."),
        ("skeptical_sam", "Me, scrolling past my 14th identical \"Teachers deserve a raise. Period.\" post today: 😐"),
        ("electionwatch_nv", "We archived 312 posts with the same four Rivera talking points between Jan 14 and "
                             "Feb 28. Dataset and method: electionwatch.example/rivera"),
        ("electionwatch_nv", "Reminder for researchers: \"paid for by\" disclaimers name the FUNDER, which isn't "
                             "always the page or account that posted."),
        ("dan_reports", "@marisol_votes Hi Marisol, reporter at the Gazette here. Are you being paid by the Rivera "
                        "campaign for your posts? My DMs are open."),
    ]
    fixed = {"REPORT:": dt(2020, 2, 13, 16, 5, 12), "Facebook says posts": dt(2020, 2, 14, 22, 10, 47),
             "Twitter has suspended": dt(2020, 2, 21, 19, 31, 3)}
    for a, t in news:
        when = next((w for k, w in fixed.items() if t.startswith(k)), None) or rand_dt(dt(2020, 2, 13, 18),
                                                                                       dt(2020, 3, 15))
        add(t, a, when, NS, "news")


# ---------------------------------------------------------------- b) influencers

def hook_for(brand: str) -> tuple[str, str]:
    b = BRANDS[brand]
    prod = rng.choice(b["products"])
    return rng.choice(b["hooks"]).format(p=prod), prod


def tag_of(brand: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", brand)


INFL_WIN = (dt(2019, 1, 3), dt(2020, 12, 28))


LATE_BODIES = [
    "I've been testing this for a while and wanted to wait until I had a real opinion. Short version: I'm "
    "keeping it. Long version in stories.",
    "Lots of you asked about this one, so here's the honest take after two months: worth it, with one caveat "
    "(it's not cheap).",
    "Saving this for my \"things I'd actually rebuy\" highlight. More details below, questions welcome!",
]


def caption_disclosed(h, brand, code, plat="instagram"):
    b = BRANDS[brand]
    hook, prod = hook_for(brand)
    tag = tag_of(brand)
    cat = rng.sample(CAT_TAGS[b["cat"]], 2)
    opts = [
        (lambda: (f"{hook}\n\n#ad @{b['handle']}", "#ad", "", "")),
        (lambda: (f"#sponsored {hook}", "#sponsored", "", "")),
        (lambda: (f"Paid partnership with {brand}\n{hook}" if plat != "twitter" else f"{hook} #ad",
                  f"Paid partnership with {brand}" if plat != "twitter" else "#ad", "", "")),
        (lambda: (f"{hook} #paidpartner #{tag}", "#paidpartner", "", "")),
        (lambda: (f"In partnership with @{b['handle']}: {hook}", f"In partnership with @{b['handle']}", "", "")),
        (lambda: (f"AD | {hook}", "AD |", "", "")),
        (lambda: (f"{hook} (ad)", "(ad)", "", "")),
        (lambda: (f"{hook} #ad #{tag} {cat[0]}", "#ad", "", "")),
        (lambda: (f"Sponsored by {brand} 💛 {hook}", f"Sponsored by {brand}", "", "")),
        (lambda: (f"{hook}\nThis post is sponsored by @{b['handle']}, all opinions my own.",
                  f"sponsored by @{b['handle']}", "", "")),
        (lambda: (f"{hook} #spon", "#spon", "weak", SU)),
        (lambda: (f"{hook} #collab @{b['handle']}", "#collab", "weak", SU)),
        (lambda: (f"#gifted by @{b['handle']} 🎁 {hook}", "#gifted", "gifted", NS)),
        (lambda: (f"{hook}\n\n{rng.choice(LATE_BODIES)}\n.\n.\n.\n{cat[0]} {cat[1]} #ad", "#ad", "late", SU)),
    ]
    text, marker, amb, alt = rng.choice(opts)()
    return text, marker, amb, alt


def friends_at(brand, hook):
    lead = rng.choice([f"Thanks to my friends at {brand} for keeping me going this week ✨",
                       f"Big thank you to my friends at {brand} 💛",
                       f"Shoutout to my friends at {brand} for always having my back 🙌"])
    return f"{lead} {hook}", f"my friends at {brand}", "friends_at", NS


def caption_undisclosed(h, brand, code, plat="instagram"):
    b = BRANDS[brand]
    hook, prod = hook_for(brand)
    pct = rng.choice([10, 15, 20, 25])
    opts = [
        (lambda: (f"{hook} Use code {code} for {pct}% off 💕", f"Use code {code}", "", "")),
        (lambda: (f"{hook}\nCode {code} = {pct}% off at @{b['handle']} 🔥", f"Code {code}", "", "")),
        (lambda: friends_at(brand, hook)),
        (lambda: (buried_sp(hook, b["cat"]), "#sp", "buried_sp", SD)),
        (lambda: (f"{hook} Link in bio 🔗", "link in bio (affiliate)", "affiliate", NS)),
        (lambda: (f"Obsessed with my new {prod} from @{b['handle']} 😍", f"@{b['handle']} (known partner)",
                  "known_partner", NS)),
        (lambda: (f"PR package day 📦 So spoiled by @{b['handle']}, "
                  f"{'unboxing in stories!' if plat == 'instagram' else 'unboxing video soon!'}", "PR package",
                  "gifted_silent", NS)),
        (lambda: (f"POV: you finally found the one 😭 @{b['handle']} code {code}", f"code {code}", "", "")),
    ]
    text, marker, amb, alt = rng.choice(opts)()
    return text, marker, amb, alt


def buried_sp(hook: str, cat: str) -> str:
    pool = CAT_TAGS[cat] + GENERIC_TAGS
    tags = rng.sample(pool, min(len(pool), rng.randrange(21, 26)))
    while len(tags) < 21:
        tags.append(rng.choice(GENERIC_TAGS[:5]) + str(len(tags)))
    tags.insert(rng.randrange(6, len(tags) - 3), "#sp")
    return f"{hook}\n.\n.\n.\n" + " ".join(tags)


def yt_disclosed(brand):
    b = BRANDS[brand]
    title, _ = hook_for(brand)
    opts = [
        (f"{title}\n\nThanks to {brand} for sponsoring this video! Check them out at {b['url']}",
         f"Thanks to {brand} for sponsoring this video", "", ""),
        (f"Includes paid promotion\n{title}\n\nThis video is sponsored by {brand}.", "Includes paid promotion", "", ""),
        (f"{title} #ad\n\nToday's video is in partnership with {brand}.", "in partnership with", "", ""),
    ]
    return rng.choice(opts)


def yt_undisclosed(brand, code):
    b = BRANDS[brand]
    title, _ = hook_for(brand)
    opts = [
        (f"{title}\n\nGet 3 months free: {b['url']}/{code.lower()}", f"{b['url']}/{code.lower()}", "affiliate", NS),
        (f"{title}\n\nUse code {code} at {b['url']} for 15% off", f"Use code {code}", "", ""),
        (f"{title}\n\nShoutout to my friends at {brand} for making this video possible!",
         f"my friends at {brand}", "friends_at", NS),
    ]
    return rng.choice(opts)


INFL_ORGANIC = [
    ("glowwithmaya", "No brand, no code, just the $6 drugstore moisturizer I've repurchased 6 times. Not sponsored!",
     "brand_love", SU),
    ("glowwithmaya", "Reminder that filters lie and your skin is fine 💛", "", ""),
    ("liftwithleo", "Rest day. Pizza. No regrets. 🍕", "", ""),
    ("liftwithleo", "Form check Friday! Drop your questions below 👇\nI answer every single one.", "", ""),
    ("trailmix_tess", "Road trip with my best friend, no itinerary #adventure #roadtrip #vanlife", "", ""),
    ("trailmix_tess", "Got caught in a hailstorm at 11,000 ft. Hid under a rock. Would do it again. #adventure", "", ""),
    ("brewsandbooks", "Finished 52 books this year 📚 Top 3 in the comments, fight me.", "", ""),
    ("brewsandbooks", "People ask if Brewly pays me. They don't! I just drink a lot of their coffee ☕",
     "brand_love", SU),
    ("techtalk_tariq", "My honest 2019 tech awards: the gadgets I actually kept using\n\nNo sponsors in this one, "
                       "I bought everything myself.", "", ""),
    ("techtalk_tariq", "Someone asked why my thumbnail text looks like <b>not bold</b> today. Blame my editor's "
                       "new plugin 🙃", "", ""),
    ("kitchenwithkofi", "Grandma's jollof, the real way. No shortcuts, no meal kits, no arguments 🍚", "", ""),
    ("kitchenwithkofi", "Mac &amp; cheese night at the Kettle &amp; Crumb pop-up. Paid for my own plate, worth "
                        "the queue.", "brand_love", SU),
    ("sol.and.salt", "Lost my luggage in Lisbon, found the best pastéis de nata instead 🇵🇹", "", ""),
    ("momof3_megan", "Three kids, one bathroom, zero patience left. Send coffee 😵‍💫", "", ""),
    ("momof3_megan", "Our little crew 👩‍👩‍👧 at the pumpkin patch. Nobody cried! (I cried.)", "", ""),
    ("gamer_gabe_tv", "Thank you for 100k!! I still can't believe this 😭❤️", "", ""),
    ("gamer_gabe_tv", "Binge-watching #AdventureTime with my little brother between streams", "", ""),
    ("dancewithdani", "Spring cleaning my closet 🌸 #spring #declutter", "", ""),
    ("skincare_sasha", "Dermatologist appointment done, the answer was \"wear sunscreen.\" Groundbreaking.", "", ""),
    ("runner_rae", "New #adidas runners for the marathon, bought on sale with my own money. Feet already "
                   "thanking me.", "brand_love", SU),
    ("runner_rae", "Marathon #3 done!!! 3:58:12 🏅\nLegs: destroyed\nHeart: full", "", ""),
    ("plantbased_pia", "Farmers market haul 🥕🥬 $23 for all of this. Tell me your favorite kale recipe.", "", ""),
    ("budget_bo_travels", "Why I stopped taking brand deals for 3 months (and what happened to my channel)", "", ""),
    ("styledbyzoe", "Thrifted this entire outfit for $18 🧥 #thrifted #ootd", "", ""),
    ("dad_jokes_dev", "I'd add that my dad jokes are a public service. You're welcome.", "", ""),
    ("dad_jokes_dev", "Why did the scarecrow win an award? Because he was outstanding in his field. 🌾", "", ""),
    ("dancewithdani", "Mom learned the dance 👩‍👧 she did it better than me, I'm retiring", "", ""),
    ("skincare_sasha", "@glowwithmaya wait is this an #ad? you didn't say 👀", "", ""),
    ("styledbyzoe", "Day at the #spa with my sister for her birthday 💆‍♀️", "", ""),
]

GIVEAWAY = ("=== GIVEAWAY TIME ===\nTeamed up with @solaraswim to give away 3 ribbed one-pieces 🌊\n"
            "To enter: follow both accounts, tag 2 friends, share to stories.\nEnds Sunday midnight EST. "
            "#giveaway #ad")


def gen_influencers(n_disclosed=58, n_undisclosed=49):
    handles = list(INFL)
    seen = set()

    def pick():
        h = rng.choice(handles)
        plats, _n, brands, code = INFL[h]
        return h, rng.choice(plats), rng.choice(brands), code

    made = 0
    while made < n_disclosed:
        h, plat, brand, code = pick()
        if plat == "youtube":
            text, marker, amb, alt = yt_disclosed(brand)
        else:
            text, marker, amb, alt = caption_disclosed(h, brand, code, plat)
        if plat == "twitter" and len(text) > 280 or text in seen:
            continue
        seen.add(text)
        add(text, h, rand_dt(*INFL_WIN), SD, "influencer_disclosed", brand, marker, amb=amb, alt=alt,
            platform=plat)
        made += 1
    made = 0
    while made < n_undisclosed:
        h, plat, brand, code = pick()
        if plat == "youtube":
            text, marker, amb, alt = yt_undisclosed(brand, code)
        else:
            text, marker, amb, alt = caption_undisclosed(h, brand, code, plat)
        if plat == "twitter" and len(text) > 280 or text in seen:
            continue
        seen.add(text)
        add(text, h, rand_dt(*INFL_WIN), SU, "influencer_undisclosed", brand, marker, amb=amb, alt=alt,
            platform=plat)
        made += 1
    add(GIVEAWAY, "sol.and.salt", rand_dt(*INFL_WIN), SD, "influencer_disclosed", "Solara Swim", "#ad")
    for h, t, amb, alt in INFL_ORGANIC:
        add(t, h, rand_dt(*INFL_WIN), NS, "influencer_organic", "", "", amb=amb, alt=alt)


# ---------------------------------------------------------------- d) other languages

FOREIGN_POSTS = [
    # (author, text, truth, sponsor, marker, amb, alt)
    ("lena.beauty.berlin", "Mein neues Lieblingsserum von @glowlab ✨ Die Haut ist so viel ruhiger geworden.\n\n"
                           "#werbung #skincare #hautpflege", SD, "GlowLab", "#werbung", "", ""),
    ("lena.beauty.berlin", "Mit dem Code LENA20 spart ihr 20 % bei GlowLab 💛 #beauty #hautpflege", SU, "GlowLab",
     "Code LENA20", "", ""),
    ("lena.beauty.berlin", "Anzeige | Sonntagsfrühstück mit Brewly Kaffee ☕️ und ganz viel Ruhe.", SD, "Brewly",
     "Anzeige", "", ""),
    ("max_faehrt_rad", "Anzeige | Mit @nordtrail unterwegs im Harz 🌲 Die neuen Trailschuhe haben 40 km ohne "
                       "Blasen überlebt.", SD, "NordTrail", "Anzeige", "", ""),
    ("max_faehrt_rad", "Mein Rad, meine Regeln 🚲 Den Helm habe ich selbst gekauft. Unbezahlte Werbung, weil "
                       "Marke erkennbar. #radfahren #berlin", NS, "", "unbezahlte Werbung", "unbezahlt", SD),
    ("max_faehrt_rad", "Frühling in Berlin 🌸🇩🇪 endlich wieder kurze Hosen. #spring #frühling #radtour",
     NS, "", "", "", ""),
    ("max_faehrt_rad", "Neue Satteltasche im Test #anzeige @nordtrail\nErster Eindruck: wasserdicht, leicht, "
                       "etwas teuer.", SD, "NordTrail", "#anzeige", "", ""),
    ("sofia_viajera", "Mi rutina de mañana con el nuevo sérum de @glowlab 💧 #publicidad #skincare", SD, "GlowLab",
     "#publicidad", "", ""),
    ("sofia_viajera", "Este viaje a Lisboa fue patrocinado por @aureliotravel 🇵🇹 ¡Gracias por todo!", SD,
     "Aurelio Travel", "patrocinado por", "", ""),
    ("sofia_viajera", "Gracias a mis amigos de Solara Swim por este bañador precioso 🌊☀️", SU, "Solara Swim",
     "Gracias a mis amigos de", "friends_at", NS),
    ("chef_pablo_mx", "Receta rápida de tacos al pastor 🌮 #publi @kettleandcrumb", SD, "Kettle & Crumb", "#publi",
     "", ""),
    ("chef_pablo_mx", "Con el código PABLO15 tienen 15% de descuento en sus cajas de Kettle & Crumb 🔥", SU,
     "Kettle & Crumb", "código PABLO15", "", ""),
    ("chef_pablo_mx", "Hoy fui al mercado con mi abuela y compramos de todo. Domingo perfecto 🇲🇽", NS, "", "", "", ""),
    ("camille.en.cuisine", "Nouvelle recette avec mes épices préférées 🧑‍🍳 #pub #cuisine @kettleandcrumb", SD,
     "Kettle & Crumb", "#pub", "", ""),
    ("camille.en.cuisine", "La pub pour la nouvelle voiture à la télé hier soir était vraiment nulle 😂", NS, "",
     "", "", ""),
    ("camille.en.cuisine", "Merci à mes amis de chez Brewly pour ce café incroyable ☕ Code CAMILLE10 en bio.", SU,
     "Brewly", "Code CAMILLE10", "", ""),
    ("lucas_voyage", "Vidéo sponsorisée : j'ai testé le casque Lumen Studio pendant un mois en voyage.", SD,
     "Lumen Audio", "Vidéo sponsorisée", "", ""),
    ("lucas_voyage", "En partenariat avec Aurelio Travel : 10 jours au Portugal en train 🚆🇵🇹", SD,
     "Aurelio Travel", "En partenariat avec", "", ""),
    ("fleur_fietst", "Op pad met mijn nieuwe fietstas van @nordtrail 🚲 #adv #gesponsord", SD, "NordTrail",
     "#gesponsord", "", ""),
    ("fleur_fietst", "Heerlijke zondag in Utrecht 🌷🇳🇱 #lente #fietsen", NS, "", "", "", ""),
    ("fleur_fietst", "Met code FLEUR10 krijg je 10% korting bij NordTrail! 🚲", SU, "NordTrail", "code FLEUR10",
     "", ""),
    ("giulia_style_mi", "Pronta per l'estate con @solaraswim ☀️ #adv #pubblicità", SD, "Solara Swim", "#adv", "", ""),
    ("giulia_style_mi", "Post sponsorizzato: la mia skincare serale con @glowlab 🌙", SD, "GlowLab",
     "Post sponsorizzato", "", ""),
    ("giulia_style_mi", "Aperitivo sui Navigli con le amiche 🍹🇮🇹 #milano", NS, "", "", "", ""),
    ("beatriz.fit", "Treino de hoje com o pré-treino da @peakfuel 💪 #publi #publicidade", SD, "PeakFuel",
     "#publicidade", "", ""),
    ("beatriz.fit", "Conteúdo patrocinado: conheçam o novo app FitNest 🏃‍♀️", SD, "FitNest", "patrocinado", "", ""),
    ("beatriz.fit", "Usem o cupom BIA15 para 15% de desconto na PeakFuel 💥", SU, "PeakFuel", "cupom BIA15", "", ""),
    ("beatriz.fit", "Dia de praia no Rio 🇧🇷🌊 sem treino hoje!", NS, "", "", "", ""),
]


def gen_foreign():
    for a, t, truth, sponsor, marker, amb, alt in FOREIGN_POSTS:
        add(t, a, rand_dt(*INFL_WIN), truth, "foreign", sponsor, marker, amb=amb, alt=alt)


# ---------------------------------------------------------------- c) ordinary organic posts

ORGANIC = [
    # (text, amb, alt)
    ("Packed the car, dog in the back, no plan. #adventure #roadtrip", "", ""),
    ("Cherry blossoms are out early this year 🌸 #spring", "", ""),
    ("I'd add that the library also has free museum passes if you have a card.", "", ""),
    ("Grandpa says to always read the ad in the paper before buying anything. Still good advice.", "", ""),
    ("#adulting is paying your own car insurance and crying a little", "", ""),
    ("Finally #paidoff my student loans after 9 years!!! 🎉", "", ""),
    ("Quiz night at the local #pub, we came 2nd out of 14 🍺", "", ""),
    ("- no ad, just love this place 🥐 best croissants in Portland, fight me", "", ""),
    ("+1 to everything she said. Disclose the paid posts, it's not that hard.", "", ""),
    ("Advent calendar chocolate at 7am is a valid breakfast #advent", "", ""),
    ("Whoever made the ad break on this podcast 4 minutes long, I hope you step on a Lego", "", ""),
    ("This is not an ad. I just really, really like my library card.", "", ""),
    ("Ad-free Sunday: phone off, garden on 🌱", "", ""),
    ("#Sponsorship applications for the community 5k are open until March 1! Local businesses, get in touch.",
     "", ""),
    ("My address is FINALLY updated on my license. Three visits. Three.", "", ""),
    ("Why does my newsletter tool keep showing <b>not bold</b> instead of, you know, bold text?", "", ""),
    ("Bought the Lumen Pro earbuds with my own money after every YouTuber raved about them. They're fine? Just fine.",
     "brand_love", SU),
    ("Honestly the Fizzly mango one is good. Nobody's paying me, I just have taste.", "brand_love", SU),
    ("Burnt the bread. Ate it anyway. Character building. 🍞", "", ""),
    ("Sourdough attempt #7:\n- crust: great\n- crumb: dense\n- my patience: gone", "", ""),
    ("Ran 20 miles in the rain today and I'd like a medal, or at least a sandwich", "", ""),
    ("Marathon training week 12: legs hate me, brain loves me", "", ""),
    ("2nd place at quiz night again. The music round is rigged, I said what I said.", "", ""),
    ("Portland in the rain, a short poem:\nwet\nstill wet\ncoffee", "", ""),
    ("Found a 1911 newspaper in my wall during the renovation. The ads are wild: \"tonic for nerves, 25 cents\"",
     "", ""),
    ("Little sister just passed her driving test 🚗 first try! Roads, beware.", "", ""),
    ("Night shift tip: eat a real meal at 2am, not vending machine crackers. Learned the hard way.", "", ""),
    ("My tomatoes are judging me. I can feel it. 🍅", "", ""),
    ("Slugs ate every single lettuce. Every. Single. One.", "", ""),
    ("Reading \"Middlemarch\" for the first time and, wow, George Eliot did not come to play.", "", ""),
    ("Book club picked a 900-page book for a 3-week deadline, which, okay, sure, fine.", "", ""),
    ("Train delayed 40 minutes, again, so here's a thread of things I've learned about my fellow commuters 🧵",
     "", ""),
    ("Weekend hike, 11 miles, one very muddy dog 🐕 #adventure #optoutside", "", ""),
    ("Biscuit knocked a glass off the table and looked me dead in the eye 🐈", "", ""),
    ("Biscuit's 5th birthday! She got a cardboard box and is thrilled 🎂🐱", "", ""),
    ("The bagel place on 7th switched to a new recipe and I'm filing a formal complaint 🥯", "", ""),
    ("Ranked every bagel in Brooklyn, 1-10. Results are final. Don't @ me.", "", ""),
    ("Tiny kitchen, big dreams: 3-ingredient pasta that actually slaps 🍝", "", ""),
    ("My oven is 40 years old and runs 25 degrees hot. We have an understanding.", "", ""),
    ("New mix up, 90 minutes of 2000s bangers, no skips 🎧", "", ""),
    ("How to fix a leaky faucet in 10 minutes (no plumber needed)", "", ""),
    ("Replacing a garbage disposal: what the instructions don't tell you", "", ""),
    ("Our church bake sale raised $1,240 for the food pantry! Thank you all, the lemon bars sold out first.",
     "", ""),
    ("Does anyone have a snow blower I could borrow Saturday? Will pay in cookies.", "", ""),
    ("Happy 40th anniversary to my parents ❤️ Still holding hands at the grocery store.", "", ""),
    ("Town council voted 4-3 to fix the potholes on Elm. Democracy works, slowly.", "", ""),
    ("Learning French, day 100: I can order a croissant and apologize. That's the whole skill set.", "", ""),
    ("Vet tech life: a golden retriever ate a whole sock and is extremely proud of himself", "", ""),
    ("Adopt, don't shop 🐾 3 cats at the shelter need homes this week, DM me.", "", ""),
    ("Watching #AdventureTime for the first time as an adult and, wait, this is deep??", "", ""),
    ("@techtalk_tariq what mic do you use for your videos? Audio is always so clean", "", ""),
    ("@RiveraHQ are you paying people to post these? Yes or no.", "", ""),
    ("@marisol_votes this is word for word what @deshawn4change posted an hour ago. Are you two paid?", "", ""),
    ("@factcheck_fran I saw the same one from 6 accounts, all created in December. Screenshots in my replies.",
     "", ""),
    ("Not sure who I'm voting for yet. I've read all four healthcare plans, and, honestly, they're all vague.",
     "", ""),
    ("Politics aside, the Rivera rally traffic downtown was a nightmare, avoid 5th street until 9", "", ""),
    ("I like Rivera's teacher pay idea. I also like my paycheck. We'll see.", "supporter", SU),
    ("The identical-tweets thing is creepy no matter which campaign does it.", "", ""),
    ("My feed today: 40% Rivera, 40% dogs, 20% people arguing about Rivera's dogs. 🐕", "", ""),
    ("Fixed the bike, rode to work, got a flat. Balance restored.", "", ""),
    ("Not sponsored (I wish), just a public love letter to the cheap diner on Route 9 🥞", "", ""),
    ("Why does every coffee shop play the same acoustic covers playlist? Asking for a friend.", "", ""),
    ("Got the promotion!!! 🎉 Thank you to everyone who helped me prep.", "", ""),
    ("3am thoughts: who decided Tuesday is a day? Tuesday is a vibe at best.", "", ""),
    ("First time voting in a primary 🗳️🇺🇸 took 5 minutes, go do it", "", ""),
    ("The new pride crosswalk downtown looks amazing 🏳️‍🌈", "", ""),
    ("Team lunch 👍🏽 tacos won, pizza people are sulking", "", ""),
    ("Spent the weekend helping my dad clean out the garage. Found my 1998 Game Boy. Still works.", "", ""),
    ("Snow day! The kids built a snowman that looks like our mailman. He's flattered.", "", ""),
    ("If your \"quick question\" has 4 parts, it's not a quick question, Gary.", "", ""),
    ("Reminder: the community garden meeting is Thursday, 6pm, library room B. Bring seeds, bring opinions.",
     "", ""),
    ("Tried the new ramen place. Broth: 10/10. Wait time: 1/10. Will go again.", "", ""),
    ("The moon tonight 🌕 no filter, just a very old phone", "", ""),
    ("\"We're not paying anyone to post,\" said the campaign, which, frankly, is not what the documents say.",
     "", ""),
    ("Haircut went wrong, now I have bangs. Welcome to the bangs era, I guess ✂️", "", ""),
    ("New puzzle: 1,000 pieces, 900 of them are sky. Send help. 🧩", "", ""),
    ("Made a spreadsheet to plan my spreadsheets. Send help. 📊", "", ""),
    ("Our 👩‍👩‍👧 family photo, attempt #14. Someone always blinks.", "", ""),
    ("The Super Bowl ads this year were mid, the guacamole was not 🥑", "", ""),
    ("Anyone else's kid obsessed with dinosaurs? We've read the same book 41 times.", "", ""),
    ("Heading to my cousin's wedding in Guadalajara 🇲🇽 see you in a week!", "", ""),
    ("Grandma's pierogi recipe, finally written down:\n1. flour\n2. patience\n3. more patience", "", ""),
    ("Honest question: does anyone actually read the terms and conditions? Asking for me.", "", ""),
    ("The library's used book sale is this weekend, $1 a bag. Bring a big bag.", "", ""),
    ("I'd add one thing to that thread: check whether the account was created last month.", "", ""),
    ("Spring is here 🌷 and so are my allergies. #spring #achoo", "", ""),
    ("Ordered a coffee, got a tea. Drank it anyway. Growth.", "", ""),
    ("Team won 3-1, coach bought everyone ice cream, best Saturday ⚽🍦", "", ""),
    ("10 years in this city 🇺🇸 and I still get lost downtown", "", ""),
]


CONTROVERSY_WORDS = ("paying people", "identical-tweets", "paid posts", "@marisol_votes", "@factcheck_fran",
                     "account was created", "paying anyone")
POLITICAL_WORDS = ("Rivera", "campaign", "voting")


def gen_ordinary():
    handles = list(ORDINARY)
    order = handles[:] + [rng.choice(handles) for _ in range(len(ORGANIC) - len(handles))]
    rng.shuffle(order)
    # keep platform-flavoured texts with a matching author
    pinned = {
        "How to fix a leaky faucet in 10 minutes (no plumber needed)": "fixit_fred",
        "Replacing a garbage disposal: what the instructions don't tell you": "fixit_fred",
        "Biscuit knocked a glass off the table and looked me dead in the eye 🐈": "cat_named_biscuit",
        "Biscuit's 5th birthday! She got a cardboard box and is thrilled 🎂🐱": "cat_named_biscuit",
        "Tiny kitchen, big dreams: 3-ingredient pasta that actually slaps 🍝": "tiny_kitchen_tay",
        "New mix up, 90 minutes of 2000s bangers, no skips 🎧": "dj_pocket",
        "Learning French, day 100: I can order a croissant and apologize. That's the whole skill set.":
            "amy_learns_french",
        "Vet tech life: a golden retriever ate a whole sock and is extremely proud of himself": "vet_tech_val",
        "Quiz night at the local #pub, we came 2nd out of 14 🍺": "quiz_night_quinn",
        "2nd place at quiz night again. The music round is rigged, I said what I said.": "quiz_night_quinn",
        "Sourdough attempt #7:\n- crust: great\n- crumb: dense\n- my patience: gone": "sarah_bakes_bread",
        "Our church bake sale raised $1,240 for the food pantry! Thank you all, the lemon bars sold out first.":
            "linda.hartman.9",
        "Does anyone have a snow blower I could borrow Saturday? Will pay in cookies.": "gary.w.phillips",
        "Ranked every bagel in Brooklyn, 1-10. Results are final. Don't @ me.": "brooklyn_bagel_fan",
        "Weekend hike, 11 miles, one very muddy dog 🐕 #adventure #optoutside": "weekend_wanderer_wes",
        "- no ad, just love this place 🥐 best croissants in Portland, fight me": "jess_in_portland",
        "+1 to everything she said. Disclose the paid posts, it's not that hard.": "night_shift_nora",
    }
    youtube_ok = {"How to fix a leaky faucet in 10 minutes (no plumber needed)",
                  "Replacing a garbage disposal: what the instructions don't tell you"}
    non_yt = [h for h in handles if ORDINARY[h] != "youtube"]
    for (t, amb, alt), a in zip(ORGANIC, order):
        a = pinned.get(t, a)
        if ORDINARY[a] == "youtube" and t not in youtube_ok:
            a = rng.choice(non_yt)
        if t.startswith("@") and ORDINARY[a] not in ("twitter",):
            a = rng.choice([h for h in handles if ORDINARY[h] == "twitter"])
        if any(w in t for w in CONTROVERSY_WORDS):
            when = rand_dt(dt(2020, 2, 13, 18), dt(2020, 3, 20))
        elif "primary" in t:
            when = rand_dt(dt(2020, 3, 3, 12), dt(2020, 3, 4, 2))
        elif any(w in t for w in POLITICAL_WORDS):
            when = rand_dt(dt(2020, 1, 10), dt(2020, 3, 20))
        else:
            when = rand_dt(dt(2019, 1, 2), dt(2020, 12, 30))
        add(t, a, when, NS, "organic", "", "", amb=amb, alt=alt)


# --------------------------------------------------------------------------- labels

NOTES = {
    ("script", SU): ["identical to other organiser posts", "campaign talking point, no disclosure",
                     "copy-paste script, see other accounts", 'evidence: "{m}"', "same wording as {n} other posts"],
    ("script", NS): ["could be a real supporter", "no payment evidence in the post itself", "looks organic to me"],
    ("script_disclosed", SD): ["Paid for by line", 'evidence: "Paid for by Rivera for America"',
                               "disclaimer at the end"],
    ("pac_disclosed", SD): ["funder is the PAC, not the campaign", 'evidence: "Paid for by Forward Together PAC"'],
    ("hq_ad", SD): ["official campaign ad", "Paid for by line"],
    ("own_words", SU): ["known paid organiser account", "organiser on the payroll list, own wording",
                        "account also posts scripts"],
    ("own_words", NS): ["own words, no sign of payment", "reads like a volunteer", "can't tell, leaning organic"],
    ("staff_undisclosed", SU): ["staffer, disclosure only in bio"],
    ("staff_undisclosed", SD): ["bio says Rivera 2020 staff, counts?", "employer visible in bio"],
    ("supporter", NS): ["genuine supporter", "personal story", ""],
    ("supporter", SU): ["similar to script, suspicious", "phrasing close to campaign talking points",
                        "might be coordinated"],
    ("news", NS): ["news report", "reporting on the story, not part of it"],
    ("watcher", NS): ["commenting on the copy-paste posts"],
}
GENERIC_NOTES = {
    SD: ['evidence: "{m}"', "clear disclosure", "{m} present", "disclosed"],
    SU: ['evidence: "{m}"', "no disclosure", "{m}, no #ad", "paid but not disclosed"],
    NS: ["", "organic", "no payment signals", "personal post", "brand mention only"],
}
AMB_NOTES = {
    ("buried_sp", SD): ["#sp is there, technically disclosed", "has #sp"],
    ("buried_sp", SU): ["#sp buried in 20+ hashtags", "#sp hidden at the end, not clear to a reader"],
    ("buried_sp", NS): ["can't see any disclosure or deal", "no clear evidence"],
    ("friends_at", NS): ["no clear evidence of payment", "just a thank you?"],
    ("friends_at", SU): ['"my friends at" = partner, not disclosed', 'evidence: "{m}"'],
    ("affiliate", NS): ["can't tell if it's an affiliate link", "just a link"],
    ("affiliate", SU): ["affiliate link, no disclosure", "known affiliate"],
    ("known_partner", NS): ["just a product mention"],
    ("known_partner", SU): ["brand is a known partner of this account", "partnership listed in media kit"],
    ("gifted_silent", NS): ["PR package = gift, not payment?"],
    ("gifted_silent", SU): ["PR gift, not disclosed", "gifted, no #gifted/#ad"],
    ("gifted", NS): ["gift is not a paid ad"],
    ("gifted", SD): ["#gifted counts as disclosure", 'evidence: "#gifted"'],
    ("weak", SU): ["{m} is not clear enough for readers"],
    ("weak", SD): ["{m} counts", 'evidence: "{m}"'],
    ("late", SU): ["#ad only after the fold"],
    ("late", SD): ["#ad at the end, still there"],
    ("unbezahlt", SD): ["Werbung marked", 'evidence: "Werbung"'],
    ("unbezahlt", NS): ["'unbezahlte Werbung' = unpaid, not an ad", "unpaid mention, German convention"],
    ("brand_love", SU): ["too enthusiastic, maybe paid", "smells like a deal"],
    ("brand_love", NS): ["says bought it themselves", "no sign of a deal"],
    ("quote", SU): ["quotes the script"],
    ("quote", NS): ["quotes the script to criticise it", "quoting, not posting the script"],
    ("staff_bio", SD): ["bio says Rivera 2020 staff, counts?"],
    ("staff_bio", SU): ["staffer, disclosure only in bio"],
}


def note_for(p: Post, label: str, annotator: str) -> str:
    if rng.random() < (0.45 if annotator == "ben" else 0.25):
        return ""
    pool = None
    if p.amb:
        pool = AMB_NOTES.get((p.amb, label))
    if pool is None:
        pool = NOTES.get((p.kind, label))
    if pool is None:
        pool = GENERIC_NOTES[label]
    if not p.marker:
        pool = [x for x in pool if "{m}" not in x] or GENERIC_NOTES[NS][1:2]
    n = sum(1 for q in POSTS if q.script and q.script == p.script) - 1
    note = rng.choice(pool).format(m=p.marker, n=max(n, 1))
    if annotator == "ben":
        note = note.lower()
    return note


def sponsor_for(p: Post, label: str, annotator: str) -> str:
    if label == NS:
        return ""
    s = p.sponsor
    if not s:  # an annotator who suspects payment names the brand or campaign the post talks about
        text = p.text.replace("&amp;", "&")
        s = next((b for b in BRANDS if b in text), RIVERA if "Rivera" in text else "")
    if not s:
        return ""
    if rng.random() < (0.25 if annotator == "ben" else 0.08):
        return ""
    return s


def neighbour(label: str) -> str:
    return {NS: SU, SD: SU, SU: SD}[label]


def round_robin(groups: dict[str, list]) -> list:
    """Interleave the lists so that every kind of ambiguity is represented early."""
    out, queues = [], [list(v) for v in groups.values()]
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out


def gen_labels():
    by_amb: dict[str, list] = {}
    for p in POSTS:
        if p.amb:
            by_amb.setdefault(p.amb, []).append(p)
    for k in by_amb:
        rng.shuffle(by_amb[k])
    order = sorted(by_amb)  # stable order of ambiguity types
    rng.shuffle(order)
    amb = round_robin({k: by_amb[k] for k in order})
    clear = [p for p in POSTS if not p.amb]
    rng.shuffle(clear)
    # the leading-zero group export ids must be among the labelled posts
    forced = [p for p in clear if p.id.startswith("0")]
    clear = forced + [p for p in clear if p not in forced]
    assert len(amb) >= 50, len(amb)
    three = amb[:26] + clear[:34]
    two = amb[26:46] + clear[34:74]
    one = amb[46:50] + clear[74:100]
    assign = {}
    for p in three:
        assign[p.id] = list(ANNOTATORS)
    pairs = [("ana", "ben"), ("ana", "chloe"), ("ben", "chloe")]
    for i, p in enumerate(two):
        assign[p.id] = list(pairs[i % 3])
    for i, p in enumerate(one):
        assign[p.id] = [ANNOTATORS[i % 3]]

    # honest disagreement: 19 ambiguous posts (spread over the ambiguity types) + 2 slips on clear posts
    multi_amb = {}
    for p in three + two:
        if p.amb:
            multi_amb.setdefault(p.amb, []).append(p)
    dissent = {p.id for p in round_robin({k: multi_amb[k] for k in order if k in multi_amb})[:19]}
    slips = {p.id for p in rng.sample([p for p in three + two if not p.amb], 2)}
    three_way = next((p.id for p in three if p.amb == "buried_sp" and p.id in dissent), None)

    labels: dict[str, dict[str, str]] = {}
    for p in three + two + one:
        who = assign[p.id]
        lab = {a: p.truth for a in who}
        if p.id == three_way:
            lab = {"ana": SU, "ben": NS, "chloe": SD}  # everyone reads the buried #sp differently
        elif p.id in dissent:
            # who dissents: ben is lenient (towards not_sponsored), ana is strict (towards
            # undisclosed), chloe takes any marker at face value (towards disclosed)
            pref = {NS: "ben", SU: "ana", SD: "chloe"}[p.alt]
            d = pref if pref in who else rng.choice(who)
            lab[d] = p.alt
        elif p.id in slips:
            lab[rng.choice(who)] = neighbour(p.truth)
        labels[p.id] = lab

    rows = []
    for a in ANNOTATORS:
        mine = [p for p in POSTS if p.id in labels and a in labels[p.id]]  # POSTS is date-sorted
        for p in mine:
            lab = labels[p.id][a]
            if p.id in slips and lab != p.truth:
                rows.append([p.id, a, lab, rng.choice(["", "unsure", "?"]), ""])  # a slip, no reasoning
                continue
            rows.append([p.id, a, lab, note_for(p, lab, a), sponsor_for(p, lab, a)])
    return rows


# --------------------------------------------------------------------------- tweets (API v1.1)

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
HASHTAG_RE = re.compile(r"(?<![\w&#])#(\w+)")
MENTION_RE = re.compile(r"(?<![\w@])@(\w{1,15})")


def twitter_date(t: datetime) -> str:
    return f"{DAYS[t.weekday()]} {MONTHS[t.month - 1]} {t.day:02d} {t:%H:%M:%S} +0000 {t.year}"


USERS: dict[str, dict] = {}


def twitter_user(handle: str) -> dict:
    if handle in USERS:
        return USERS[handle]
    a = AUTHORS.get(handle)
    first = min((p.created_at for p in POSTS if p.author == handle), default=dt(2020, 1, 1))
    if a is not None and a.role == "organiser":
        created = first - timedelta(days=rng.randrange(5, 45), seconds=rng.randrange(86400))
        uid = snowflake(created)
    else:
        created = rand_dt(dt(2009, 3, 1), dt(2015, 12, 31))
        # pre-2016 user ids were sequential-ish: ~20M in early 2009, ~4.4B by the end of 2015
        frac = (created - dt(2009, 1, 1)).total_seconds() / (dt(2016, 1, 1) - dt(2009, 1, 1)).total_seconds()
        uid = int(20_000_000 + frac ** 2 * 4_400_000_000) + rng.randrange(100_000)
    u = {
        "id": uid,
        "id_str": str(uid),
        "name": a.name if a else next((b for b, v in BRANDS.items() if v["handle"] == handle), handle),
        "screen_name": handle,
        "location": "",
        "description": a.bio if a else "",
        "verified": bool(a.verified) if a else True,  # unknown mentioned accounts are the brands
        "followers_count": rng.randrange(40, 900) if (a and a.role == "organiser") else rng.randrange(100, 90000),
        "created_at": twitter_date(created),
        "lang": a.lang if a else "en",
    }
    USERS[handle] = u
    return u


def entities(text: str) -> dict:
    tags = []
    for m in HASHTAG_RE.finditer(text):
        if m.group(1).isdigit():
            continue
        tags.append({"text": m.group(1), "indices": [m.start(), m.end()]})
    mentions = []
    for m in MENTION_RE.finditer(text):
        u = twitter_user(m.group(1))
        mentions.append({"screen_name": m.group(1), "name": u["name"], "id": u["id"], "id_str": u["id_str"],
                         "indices": [m.start(), m.end()]})
    return {"hashtags": tags, "symbols": [], "user_mentions": mentions, "urls": []}


def cut140(s: str) -> str:
    return s if len(s) <= 140 else s[:139] + "…"


def tweet_obj(tid: int, handle: str, t: datetime, full: str, retweeted: dict | None = None) -> dict:
    reply_to = None
    if full.startswith("@"):
        reply_to = MENTION_RE.match(full).group(1)
    a = AUTHORS[handle]
    obj = {
        "created_at": twitter_date(t),
        "id": tid,
        "id_str": str(tid),
        "full_text": full,
        "text": cut140(full),
        "truncated": len(full) > 140 and retweeted is None,
        "display_text_range": [0, len(full)],
        "entities": entities(full),
        "source": rng.choice(['<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>',
                              '<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>',
                              '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>']),
        "in_reply_to_status_id": None,
        "in_reply_to_status_id_str": None,
        "in_reply_to_user_id": None,
        "in_reply_to_user_id_str": None,
        "in_reply_to_screen_name": reply_to,
        "user": twitter_user(handle),
        "is_quote_status": False,
        "retweet_count": 0 if retweeted else rng.randrange(0, 60),
        "favorite_count": 0 if retweeted else rng.randrange(0, 300),
        "favorited": False,
        "retweeted": False,
        "lang": a.lang,
    }
    if reply_to:
        u = twitter_user(reply_to)
        obj["in_reply_to_user_id"] = u["id"]
        obj["in_reply_to_user_id_str"] = u["id_str"]
    if retweeted is not None:
        obj["retweeted_status"] = retweeted
    return obj


def gen_tweets() -> list[dict]:
    tw = [p for p in POSTS if p.platform == "twitter"]
    want = []
    by_kind = {}
    for p in tw:
        by_kind.setdefault(p.kind, []).append(p)
    quotas = {"script": 8, "script_disclosed": 4, "hq_ad": 2, "own_words": 3, "personal": 2, "supporter": 3,
              "news": 5, "organic": 4, "influencer_disclosed": 1, "influencer_undisclosed": 1,
              "influencer_organic": 0, "staff_undisclosed": 1}
    for k, n in quotas.items():
        pool = by_kind.get(k, [])
        want += rng.sample(pool, min(n, len(pool)))
    rest = [p for p in tw if p not in want]
    want += rng.sample(rest, 34 - len(want))
    want.sort(key=lambda p: (p.created_at, p.id))
    out = [tweet_obj(int(p.id), p.author, p.created_at, p.text) for p in want]
    # six retweets of script posts by other organiser accounts (not in sample_posts.csv)
    originals = [p for p in want if p.kind in ("script", "script_disclosed", "own_words")]
    for orig in rng.sample(originals, 6):
        rter = rng.choice([h for h in ORG_TW if h != orig.author])
        t = orig.created_at + timedelta(minutes=rng.randrange(3, 600))
        rid = snowflake(t)
        inner = tweet_obj(int(orig.id), orig.author, orig.created_at, orig.text)
        full = f"RT @{orig.author}: {orig.text}"
        out.append(tweet_obj(rid, rter, t, cut140(full), retweeted=inner))
    out.sort(key=lambda o: (datetime.strptime(o["created_at"], "%a %b %d %H:%M:%S %z %Y"), o["id"]))
    return out


# --------------------------------------------------------------------------- write + verify

def write_all():
    gen_campaign()
    gen_influencers()
    gen_foreign()
    gen_ordinary()
    POSTS.sort(key=lambda p: (p.created_at, p.id))
    label_rows = gen_labels()
    tweets = gen_tweets()

    with POSTS_CSV.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(["id", "text", "author", "created_at", "platform", "url"])
        for p in POSTS:
            w.writerow([p.id, p.text, p.author, iso(p.created_at), p.platform, p.url])
    with LABELS_CSV.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(["post_id", "annotator", "label", "notes", "sponsor"])
        w.writerows(label_rows)
    with TWEETS_JSONL.open("w", encoding="utf-8", newline="") as f:
        for o in tweets:
            f.write(json.dumps(o, ensure_ascii=False) + "\n")


def verify() -> bool:
    ok = True

    def check(cond, msg):
        nonlocal ok
        ok &= bool(cond)
        print(("  ok   " if cond else "  FAIL ") + msg)

    raw = POSTS_CSV.read_bytes()
    check(not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw, "posts: UTF-8 without BOM, \\n line endings")
    with POSTS_CSV.open(encoding="utf-8", newline="") as f:
        r = csv.reader(f)
        header = next(r)
        posts = list(r)
    check(header == ["id", "text", "author", "created_at", "platform", "url"], f"posts header {header}")
    ids = [row[0] for row in posts]
    check(len(posts) >= 360, f"posts rows: {len(posts)} (>= 360)")
    check(len(set(ids)) == len(ids), f"posts ids unique: {len(set(ids))}/{len(ids)}")
    check(all(len(row) == 6 for row in posts), "posts: every row has 6 fields")
    tw = [row for row in posts if row[4] == "twitter"]
    check(all(len(row[0]) == 19 and int(row[0]) > 2 ** 53 for row in tw),
          f"twitter ids 19 digits and > 2^53 ({len(tw)} tweets)")
    lz = [i for i in ids if i.startswith("0")]
    check(len(lz) >= 3, f"ids with leading zeros: {lz}")
    check(all(re.fullmatch(r"20(19|20)-\d\d-\d\dT\d\d:\d\d:\d\dZ", row[3]) for row in posts), "created_at ISO UTC")
    check(set(row[4] for row in posts) <= {"twitter", "instagram", "facebook", "tiktok", "youtube"},
          f"platforms {sorted(set(row[4] for row in posts))}")
    authors = {}
    for row in posts:
        authors[row[2]] = authors.get(row[2], 0) + 1
    check(70 <= len(authors) <= 90, f"distinct authors: {len(authors)}")
    top = sorted(authors.items(), key=lambda kv: -kv[1])[:4]
    busiest_org = max((n, a) for a, n in authors.items() if a in AUTHORS and AUTHORS[a].role == "organiser")
    check(6 <= busiest_org[0] <= 12, f"busiest paid organiser: {busiest_org[1]} ({busiest_org[0]} posts); "
                                     f"busiest overall: {top}")
    nl = sum("\n" in row[1] for row in posts)
    check(nl >= 20, f"posts with line breaks: {nl}")
    firsts = {c: sum(row[1].startswith(c) for row in posts) for c in "@=+-"}
    check(all(firsts[c] >= 1 for c in "@=+-"), f"posts starting with @ = + -: {firsts}")
    check(any("<b>" in row[1] for row in posts) and any("&amp;" in row[1] for row in posts), "HTML and &amp; present")
    check(any("\u200d" in row[1] for row in posts) and any("🇺🇸" in row[1] for row in posts), "ZWJ emoji and flags")
    check(sum('"' in row[1] and "," in row[1] for row in posts) >= 3, "posts with quotes and commas")
    truth = {p.id: p.truth for p in POSTS}
    dist = {lab: sum(truth[i] == lab for i in ids) for lab in LABELS}
    print("       true scenario mix: " + ", ".join(f"{k} {v} ({v / len(ids):.0%})" for k, v in dist.items()))

    raw = LABELS_CSV.read_bytes()
    check(not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw, "labels: UTF-8 without BOM, \\n line endings")
    with LABELS_CSV.open(encoding="utf-8", newline="") as f:
        r = csv.reader(f)
        header = next(r)
        labels = list(r)
    check(header == ["post_id", "annotator", "label", "notes", "sponsor"], f"labels header {header}")
    idset = set(ids)
    check(all(row[0] in idset for row in labels), "every labels post_id exists in sample_posts.csv")
    check({row[2] for row in labels} <= set(LABELS), f"label keys {sorted({row[2] for row in labels})}")
    check({row[1] for row in labels} == set(ANNOTATORS), f"annotators {sorted({row[1] for row in labels})}")
    pairs = [(row[0], row[1]) for row in labels]
    check(len(set(pairs)) == len(pairs), "one label per (post, annotator)")
    per_post: dict[str, list] = {}
    for row in labels:
        per_post.setdefault(row[0], []).append(row[2])
    counts = {k: sum(len(v) == k for v in per_post.values()) for k in (1, 2, 3)}
    check(140 <= len(per_post) <= 160, f"labelled posts: {len(per_post)} (by 3: {counts[3]}, by 2: {counts[2]}, "
                                        f"by 1: {counts[1]}), label rows: {len(labels)}")
    check(any(pid.startswith("0") for pid in per_post), "leading-zero ids are among the labelled posts")
    multi = [v for v in per_post.values() if len(v) >= 2]
    dis = sum(len(set(v)) > 1 for v in multi)
    rate = dis / len(multi)
    check(0.10 <= rate <= 0.25, f"disagreement among posts with 2+ annotators: {dis}/{len(multi)} = {rate:.1%}")
    acc = sum(row[2] == truth[row[0]] for row in labels) / len(labels)
    print(f"       label rows matching the generator's true scenario: {acc:.1%}")

    with TWEETS_JSONL.open(encoding="utf-8") as f:
        lines = f.read().split("\n")
    check(lines[-1] == "", "jsonl ends with a newline")
    tweets = [json.loads(x) for x in lines if x]
    check(len(tweets) == 40, f"tweets: {len(tweets)}")
    check(all(t["id"] > 2 ** 53 and str(t["id"]) == t["id_str"] for t in tweets), "tweet id > 2^53 and == id_str")
    check(all(t["full_text"][a:b] == "#" + h["text"] for t in tweets for h in t["entities"]["hashtags"]
              for a, b in [h["indices"]]), "hashtag indices point at the hashtags")
    check(all(len(t["text"]) <= 140 and t["truncated"] == (t["text"] != t["full_text"])
              for t in tweets if "retweeted_status" not in t), "text <= 140 chars, truncated flag consistent")
    rts = [t for t in tweets if "retweeted_status" in t]
    check(len(rts) >= 3, f"retweets: {len(rts)}")
    in_csv = sum(t["id_str"] in idset for t in tweets)
    print(f"       tweets also in sample_posts.csv: {in_csv}, truncated: "
          f"{sum(t['truncated'] for t in tweets)}")
    return ok


def main() -> int:
    write_all()
    print(f"wrote {POSTS_CSV.name}, {LABELS_CSV.name}, {TWEETS_JSONL.name} to {OUT_DIR}")
    return 0 if verify() else 1


if __name__ == "__main__":
    sys.exit(main())
