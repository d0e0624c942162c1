#!/usr/bin/env python3
"""URL lists for bench/uncached.sh, read from a seeded database (standard library only).

    uncached_urls.py DB OUTDIR

Writes, one path a line, deterministic (random.Random(1)):
  listing.txt  >= 1,200 distinct /catalog, /parts, /repair URLs: every facet alone (kind, country,
               country+city, type, brand, price range with currency, text, each sort, pages 1-50)
               and random combinations of them
  search.txt   text searches only: common words (the word index's commonest terms and fixed
               ones), alone and with a country, each section, pages 1-3
  home.txt     / with every country and its commonest cities (?country=&city=), and country=all
Prints the three counts.
"""

import random
import sqlite3
import sys
from urllib.parse import urlencode

SECTIONS = {"catalog": ["rent", "sale"], "parts": ["parts"], "repair": ["service"]}
SECTION_OF_KIND = {"rent": "catalog", "sale": "catalog", "parts": "parts", "service": "repair"}
COUNTRIES = ["kz", "uz", "ru", "by"]
CURRENCIES = {"USD": 1, "KZT": 500, "UZS": 12500, "RUB": 95, "BYN": 3}
SORTS = ["fresh", "price_asc", "price_desc", "views"]
FIXED_WORDS = ["экскаватор", "кран", "погрузчик", "ремонт", "гидравлика", "двигатель", "JCB",
               "самосвал", "бульдозер", "фильтр", "аренда", "CAT"]


def main(db, outdir):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    q = conn.execute
    cities = {c: [r[0] for r in q("SELECT city FROM ads WHERE country = ? GROUP BY city "
                                   "ORDER BY count(*) DESC LIMIT 6", (c,))] for c in COUNTRIES}
    types = {s: [r[0] for r in q("SELECT equipment_type FROM ads WHERE section = ? AND "
                                 "equipment_type IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC "
                                 "LIMIT 12", (s,))] for s in SECTIONS}
    brands = {s: [r[0] for r in q("SELECT brand FROM ads WHERE section = ? AND brand IS NOT NULL "
                                  "AND brand != '' GROUP BY 1 ORDER BY count(*) DESC LIMIT 10",
                                  (s,))] for s in SECTIONS}
    try:
        common = [r[0] for r in q("SELECT term FROM ads_words_vocab WHERE length(term) BETWEEN 4 "
                                  "AND 20 AND term NOT GLOB '*[0-9]*' ORDER BY doc DESC LIMIT 12")]
    except sqlite3.Error:
        common = []
    words = list(dict.fromkeys(FIXED_WORDS + common))
    conn.close()

    rng = random.Random(1)

    def url(section, pairs):
        pairs = [(k, v) for k, v in pairs if v is not None]
        return f"/{section}" + (f"?{urlencode(pairs)}" if pairs else "")

    def price(rng):
        cur = rng.choice(list(CURRENCIES))
        lo = rng.choice([0, 100, 500, 1000, 5000]) * CURRENCIES[cur]
        hi = lo + rng.choice([1000, 5000, 20000, 100000]) * CURRENCIES[cur]
        return [("price_from", lo or None), ("price_to", hi), ("currency", cur)]

    listing = []
    # every facet alone
    for s, kinds in SECTIONS.items():
        listing.append(url(s, []))
        for k in kinds:
            listing.append(url(s, [("kind", k)]))
        for c in COUNTRIES:
            listing.append(url(s, [("country", c)]))
            for city in cities[c]:
                listing.append(url(s, [("country", c), ("city", city)]))
        for t in types[s]:
            listing.append(url(s, [("type", t)]))
        for b in brands[s]:
            listing.append(url(s, [("brand", b)]))
        for _ in range(5):
            listing.append(url(s, price(rng)))
        for w in words:
            listing.append(url(s, [("q", w)]))
        for sort in SORTS:
            listing.append(url(s, [("sort", sort)]))
        for p in range(1, 51):
            listing.append(url(s, [("page", p)]))
    # combinations: each facet present with some probability, a sort and a page (1-50)
    seen = set(listing)
    while len(seen) < 1200:
        s = rng.choice(list(SECTIONS))
        pairs = []
        if rng.random() < 0.3:
            pairs.append(("kind", rng.choice(SECTIONS[s])))
        if rng.random() < 0.6:
            c = rng.choice(COUNTRIES)
            pairs.append(("country", c))
            if rng.random() < 0.5 and cities[c]:
                pairs.append(("city", rng.choice(cities[c])))
        if rng.random() < 0.4 and types[s]:
            pairs.append(("type", rng.choice(types[s])))
        if rng.random() < 0.25 and brands[s]:
            pairs.append(("brand", rng.choice(brands[s])))
        if rng.random() < 0.25:
            pairs += price(rng)
        if rng.random() < 0.2:
            pairs.append(("q", rng.choice(words)))
        if rng.random() < 0.6:
            pairs.append(("sort", rng.choice(SORTS)))
        if rng.random() < 0.6:
            pairs.append(("page", rng.choice(range(1, 51))))
        u = url(s, pairs)
        if u not in seen:
            seen.add(u)
            listing.append(u)
    listing = list(dict.fromkeys(listing))
    rng.shuffle(listing)

    search = []
    for w in words:
        for s in SECTIONS:
            search.append(url(s, [("q", w)]))
            search.append(url(s, [("q", w), ("page", 2)]))
            search.append(url(s, [("q", w), ("page", 3)]))
            for c in COUNTRIES:
                search.append(url(s, [("q", w), ("country", c)]))
    search = list(dict.fromkeys(search))
    rng.shuffle(search)

    home = ["/", "/?country=all"]
    for c in COUNTRIES:
        home.append(f"/?{urlencode([('country', c)])}")
        for city in cities[c]:
            home.append(f"/?{urlencode([('country', c), ('city', city)])}")
    rng.shuffle(home)

    for name, lst in (("listing", listing), ("search", search), ("home", home)):
        with open(f"{outdir}/{name}.txt", "w") as f:
            f.write("\n".join(lst) + "\n")
    print(len(listing), len(search), len(home))


if __name__ == "__main__":
    main(*sys.argv[1:])
