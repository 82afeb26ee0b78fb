#!/usr/bin/env python3
"""make-participants.py: rebuild the participant files of the Ratify catalog.

Merges the hand-written tables below (UNTC short names, name history, usual
short forms) with the ISO 3166 names shipped by the iso-codes package
(/usr/share/iso-codes/json/iso_3166-1.json and iso_3166-3.json) and writes,
next to this script:

    participants.tsv            one row per participant
    participant-names.tsv       dated name history (former names)
    participant-aliases.tsv     other names and codes that resolve

The generated files are committed; the C build never runs this script.
Edit the tables here, re-run `python3 make-participants.py`, and commit the
script together with its outputs. See README.md for the file formats.
"""

import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ISO_DIR = os.environ.get("ISO_CODES_JSON", "/usr/share/iso-codes/json")

# The 193 Member States of the United Nations: id (ISO 3166-1 alpha-3) and
# the current UNTC short name (UNTC style, e.g. "St. Kitts and Nevis").
MEMBERS = """
AFG Afghanistan
ALB Albania
DZA Algeria
AND Andorra
AGO Angola
ATG Antigua and Barbuda
ARG Argentina
ARM Armenia
AUS Australia
AUT Austria
AZE Azerbaijan
BHS Bahamas
BHR Bahrain
BGD Bangladesh
BRB Barbados
BLR Belarus
BEL Belgium
BLZ Belize
BEN Benin
BTN Bhutan
BOL Bolivia (Plurinational State of)
BIH Bosnia and Herzegovina
BWA Botswana
BRA Brazil
BRN Brunei Darussalam
BGR Bulgaria
BFA Burkina Faso
BDI Burundi
CPV Cabo Verde
KHM Cambodia
CMR Cameroon
CAN Canada
CAF Central African Republic
TCD Chad
CHL Chile
CHN China
COL Colombia
COM Comoros
COG Congo
CRI Costa Rica
CIV Côte d'Ivoire
HRV Croatia
CUB Cuba
CYP Cyprus
CZE Czechia
PRK Democratic People's Republic of Korea
COD Democratic Republic of the Congo
DNK Denmark
DJI Djibouti
DMA Dominica
DOM Dominican Republic
ECU Ecuador
EGY Egypt
SLV El Salvador
GNQ Equatorial Guinea
ERI Eritrea
EST Estonia
SWZ Eswatini
ETH Ethiopia
FJI Fiji
FIN Finland
FRA France
GAB Gabon
GMB Gambia
GEO Georgia
DEU Germany
GHA Ghana
GRC Greece
GRD Grenada
GTM Guatemala
GIN Guinea
GNB Guinea-Bissau
GUY Guyana
HTI Haiti
HND Honduras
HUN Hungary
ISL Iceland
IND India
IDN Indonesia
IRN Iran (Islamic Republic of)
IRQ Iraq
IRL Ireland
ISR Israel
ITA Italy
JAM Jamaica
JPN Japan
JOR Jordan
KAZ Kazakhstan
KEN Kenya
KIR Kiribati
KWT Kuwait
KGZ Kyrgyzstan
LAO Lao People's Democratic Republic
LVA Latvia
LBN Lebanon
LSO Lesotho
LBR Liberia
LBY Libya
LIE Liechtenstein
LTU Lithuania
LUX Luxembourg
MDG Madagascar
MWI Malawi
MYS Malaysia
MDV Maldives
MLI Mali
MLT Malta
MHL Marshall Islands
MRT Mauritania
MUS Mauritius
MEX Mexico
FSM Micronesia (Federated States of)
MCO Monaco
MNG Mongolia
MNE Montenegro
MAR Morocco
MOZ Mozambique
MMR Myanmar
NAM Namibia
NRU Nauru
NPL Nepal
NLD Netherlands
NZL New Zealand
NIC Nicaragua
NER Niger
NGA Nigeria
MKD North Macedonia
NOR Norway
OMN Oman
PAK Pakistan
PLW Palau
PAN Panama
PNG Papua New Guinea
PRY Paraguay
PER Peru
PHL Philippines
POL Poland
PRT Portugal
QAT Qatar
KOR Republic of Korea
MDA Republic of Moldova
ROU Romania
RUS Russian Federation
RWA Rwanda
KNA St. Kitts and Nevis
LCA St. Lucia
VCT St. Vincent and the Grenadines
WSM Samoa
SMR San Marino
STP Sao Tome and Principe
SAU Saudi Arabia
SEN Senegal
SRB Serbia
SYC Seychelles
SLE Sierra Leone
SGP Singapore
SVK Slovakia
SVN Slovenia
SLB Solomon Islands
SOM Somalia
ZAF South Africa
SSD South Sudan
ESP Spain
LKA Sri Lanka
SDN Sudan
SUR Suriname
SWE Sweden
CHE Switzerland
SYR Syrian Arab Republic
TJK Tajikistan
THA Thailand
TLS Timor-Leste
TGO Togo
TON Tonga
TTO Trinidad and Tobago
TUN Tunisia
TUR Türkiye
TKM Turkmenistan
TUV Tuvalu
UGA Uganda
UKR Ukraine
ARE United Arab Emirates
GBR United Kingdom of Great Britain and Northern Ireland
TZA United Republic of Tanzania
USA United States of America
URY Uruguay
UZB Uzbekistan
VUT Vanuatu
VEN Venezuela (Bolivarian Republic of)
VNM Viet Nam
YEM Yemen
ZMB Zambia
ZWE Zimbabwe
"""

# Participants that are not Member States: (id, kind, UNTC name).
OTHERS = [
    ("VAT", "other", "Holy See"),
    ("PSE", "other", "State of Palestine"),
    ("COK", "other", "Cook Islands"),
    ("NIU", "other", "Niue"),
    ("EU", "reio", "European Union"),
]

# Name history: (id, until, former name, formal form or None, note or None).
# `until` is the first day on which the next name (the next row's, or the
# current one) is used. Sources: UNTC "Historical information" notes where
# they give a date; see README.md for the approximate ones.
HISTORY = [
    ("SRB", "2003-02-04", "Yugoslavia", "the Federal Republic of Yugoslavia", None),
    ("SRB", "2006-06-03", "Serbia and Montenegro", None,
     "On 3 June 2006, Serbia informed the Secretary-General that it was "
     "continuing the membership of Serbia and Montenegro."),
    ("SWZ", "2018-04-19", "Swaziland", "the Kingdom of Swaziland", None),
    ("MKD", "2019-02-14", "The former Yugoslav Republic of Macedonia",
     "the former Yugoslav Republic of Macedonia", None),
    ("TUR", "2022-06-01", "Turkey", None, None),
    ("CPV", "2013-10-24", "Cape Verde", None, None),
    ("LBY", "2011-09-16", "Libyan Arab Jamahiriya", "the Libyan Arab Jamahiriya", None),
    ("CZE", "2016-05-17", "Czech Republic", "the Czech Republic",
     "On 17 May 2016, the Czech Republic informed the Secretary-General that "
     "its short name is Czechia; its formal name is unchanged."),
    # Approximate: the UN adopted the short form "Venezuela (Bolivarian
    # Republic of)" in 2004; no depositary notification gives a day. The seed
    # report of 4 July 2003 still writes "Venezuela".
    ("VEN", "2004-01-01", "Venezuela", None, None),
    ("BOL", "2009-04-09", "Bolivia", None, None),
    ("EU", "2009-12-01", "European Community", "the European Community",
     "On 1 December 2009, the European Union replaced and succeeded the "
     "European Community."),
    ("COD", "1997-05-17", "Zaire", None, None),
    ("MMR", "1989-06-18", "Burma", None, None),
]

# Usual short forms and other names that are neither UNTC nor ISO names.
USUAL = {
    "BRN": ["Brunei"],
    "CIV": ["Ivory Coast"],
    "PRK": ["DPRK"],
    "COD": ["DR Congo", "DRC", "Congo-Kinshasa"],
    "COG": ["Congo-Brazzaville"],
    "FSM": ["Micronesia"],
    "IRN": ["Iran"],
    "KOR": ["South Korea"],
    "LAO": ["Laos"],
    "MDA": ["Moldova"],
    "MKD": ["Macedonia"],
    "NLD": ["Netherlands (Kingdom of the)", "Kingdom of the Netherlands"],
    "RUS": ["Russia"],
    "SYR": ["Syria"],
    "TZA": ["Tanzania"],
    "TLS": ["East Timor"],
    "GBR": ["United Kingdom", "UK", "Great Britain"],
    "USA": ["United States", "USA"],
    "VEN": ["Venezuela"],
    "BOL": ["Bolivia"],
    "VNM": ["Vietnam"],
    "VAT": ["Vatican", "Vatican City", "Vatican City State"],
    "PSE": ["Palestine"],
    "EU": ["European Communities"],
    "SRB": ["State Union of Serbia and Montenegro", "Federal Republic of Yugoslavia"],
    "MMR": ["Union of Myanmar", "Republic of the Union of Myanmar"],
    "BFA": ["Upper Volta"],
    "BEN": ["Dahomey"],
    "BLR": ["Byelorussian Soviet Socialist Republic", "Byelorussian SSR"],
    "CZE": ["Czech Republic"],
    "TUR": ["Turkey", "Republic of Turkey"],
    "SWZ": ["Swaziland", "Kingdom of Swaziland"],
    "CPV": ["Cape Verde"],
}

# Withdrawn ISO 3166-1 alpha-3 codes (iso_3166-3.json) that name a
# participant we carry: old code -> participant id.
FORMER_CODES = {
    "YUG": "SRB", "SCG": "SRB", "BUR": "MMR", "ZAR": "COD", "TMP": "TLS",
    "HVO": "BFA", "DHY": "BEN", "BYS": "BLR",
}


def normalise(text):
    """Mirror of catalog.c's s_normalise (used here only to drop duplicates
    and to report collisions early; the C loader is the authority)."""
    text = text.replace("\u2019", "").replace("\u2018", "").replace("'", "")
    text = text.replace("&", " and ")
    text = text.replace("ß", "ss").replace("æ", "ae").replace("Æ", "ae")
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("ø", "o").replace("Ø", "o")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    tokens = [t for t in re.split(r"[^a-z0-9]+", text) if t]
    out = []
    for t in tokens:
        if t == "the":
            continue
        if t == "saint":
            t = "st"
        if len(t) == 1 and t.isalpha() and out and out[-1][1]:
            out[-1] = (out[-1][0] + t, True)
            continue
        out.append((t, len(t) == 1 and t.isalpha()))
    return " ".join(t for t, _ in out)


def main():
    with open(os.path.join(ISO_DIR, "iso_3166-1.json"), encoding="utf-8") as f:
        iso = {c["alpha_3"]: c for c in json.load(f)["3166-1"]}
    with open(os.path.join(ISO_DIR, "iso_3166-3.json"), encoding="utf-8") as f:
        iso3 = {c["alpha_3"]: c for c in json.load(f)["3166-3"]}

    rows = []
    for line in MEMBERS.strip().splitlines():
        pid, name = line.split(" ", 1)
        rows.append((pid, "state", name))
    if len(rows) != 193:
        sys.exit("expected 193 Member States, got %d" % len(rows))
    rows += OTHERS
    rows.sort(key=lambda r: r[0])

    keys = {}   # normalised key -> id, to catch a name given to two participants
    def claim(key, pid, what):
        if keys.setdefault(key, pid) != pid:
            sys.exit("%s: '%s' already names %s" % (pid, what, keys[key]))

    participants = []
    aliases = []
    for pid, kind, name in rows:
        c = iso.get(pid)
        if kind != "reio" and c is None:
            sys.exit("%s: not in iso_3166-1.json" % pid)
        a3 = c["alpha_3"] if c else "-"
        a2 = c["alpha_2"] if c else "-"
        participants.append((pid, kind, a3, a2, name))
        seen = {normalise(name), normalise(pid), normalise(a2) if a2 != "-" else ""}
        claim(normalise(name), pid, name)
        claim(normalise(pid), pid, pid)
        if a2 != "-":
            claim(normalise(a2), pid, a2)
        for h in HISTORY:
            if h[0] == pid:
                seen.add(normalise(h[2]))
                claim(normalise(h[2]), pid, h[2])
                if h[3]:
                    seen.add(normalise(h[3]))
                    claim(normalise(h[3]), pid, h[3])

        def add(text, source):
            k = normalise(text)
            if not k or k in seen:
                return
            seen.add(k)
            claim(k, pid, text)
            aliases.append((pid, text, source))

        if c:
            add(c["name"], "iso")
            if "official_name" in c:
                add(c["official_name"], "iso-official")
            if "common_name" in c:
                add(c["common_name"], "iso-common")
        for text in USUAL.get(pid, []):
            add(text, "usual")
        for old, new in sorted(FORMER_CODES.items()):
            if new == pid:
                if old not in iso3:
                    sys.exit("%s: not in iso_3166-3.json" % old)
                add(old, "iso-3166-3")

    hdr = ("# Generated by make-participants.py from its own tables and iso-codes\n"
           "# (iso_3166-1.json, iso_3166-3.json). Edit the script and re-run it;\n"
           "# see README.md for the format.\n")
    with open(os.path.join(HERE, "participants.tsv"), "w", encoding="utf-8") as f:
        f.write(hdr)
        f.write("id\tkind\tiso3\tiso2\tname\n")
        for r in participants:
            f.write("\t".join(r) + "\n")
    with open(os.path.join(HERE, "participant-names.tsv"), "w", encoding="utf-8") as f:
        f.write(hdr)
        f.write("# VEN 2004-01-01 is approximate (no depositary notification gives a day).\n")
        f.write("id\tuntil\tname\tformal\tnote\n")
        for h in sorted(HISTORY, key=lambda h: (h[0], h[1])):
            f.write("\t".join([h[0], h[1], h[2], h[3] or "-", h[4] or "-"]) + "\n")
    with open(os.path.join(HERE, "participant-aliases.tsv"), "w", encoding="utf-8") as f:
        f.write(hdr)
        f.write("id\talias\tsource\n")
        for a in aliases:
            f.write("\t".join(a) + "\n")
    print("%d participants, %d former names, %d aliases"
          % (len(participants), len(HISTORY), len(aliases)))


if __name__ == "__main__":
    main()
