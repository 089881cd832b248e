#!/usr/bin/env python3
"""Generates the partner sample files and test fixtures (formats.md §1, §3, §6, §7).

Deterministic: a fixed seed, no clock. Standard library only. Run from anywhere:

    python3 Tests/Fixtures/make_samples.py

Writes
  adapters/coa/samples/tvs-export-20261122.csv        §1, 24 rows, BOM, CRLF, shuffled header
  adapters/coa/samples/tvs-export-20261121.csv        §1, 8 rows, LF, standard header (night before)
  Tests/Fixtures/coa-one-bad-row-of-each-kind.csv     §1, one bad row per rule code
  Tests/Fixtures/coa-one-bad-row-of-each-kind.expected.json
  adapters/duo/samples/duo-inburgering-20261122.dat   §3, sequence 000042, 30 records
  adapters/duo/samples/duo-inburgering-20261123.dat   §3, sequence 000043, 5 records
  Tests/Fixtures/duo-{bad-trailer-count,bad-control-total,missing-trailer,short-line}.dat
  adapters/argonaut/samples/argonaut-advies-20261122.jsonl   §6, 8 lines
  Tests/Fixtures/argonaut-bad.jsonl                          §6, 5 lines (2 valid)
  adapters/toestemming/samples/toestemming-20261122.jsonl    §7, 8 lines

All dates lie before the reference day 2026-11-22 (the validation day the tests use), except the
DUO creation date of the 2026-11-23 file (its name says so), the deliberate field.future row, and
-- while PL_TERM_END_MAY_BE_FUTURE is True -- the term end of DUO obligations started since late
2023 that are still running (status PL, "obliged, within term", and one of them that turns VD in the
2026-11-23 file): a term that has not ended yet lies in the future by definition.
"""

import datetime as dt
import json
import os
import random

SEED = 20261122
REFERENCE_DAY = dt.date(2026, 11, 22)
LAST = REFERENCE_DAY - dt.timedelta(days=1)  # latest date used for "past" values
PL_TERM_END_MAY_BE_FUTURE = True  # False: clamp every DUO term end to LAST as well

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")
COA = os.path.join(ROOT, "adapters", "coa", "samples")
DUO = os.path.join(ROOT, "adapters", "duo", "samples")
ARGONAUT = os.path.join(ROOT, "adapters", "argonaut", "samples")
TOESTEMMING = os.path.join(ROOT, "adapters", "toestemming", "samples")

rng = random.Random(SEED)
D = dt.date

# ---------------------------------------------------------------------------------------------
# Identifiers


def bsn_ok(s):
    if len(s) != 9 or not s.isdigit() or set(s) == {"0"}:
        return False
    total = sum(w * int(c) for w, c in zip(range(9, 1, -1), s[:8])) - int(s[8])
    return total % 11 == 0


_used_bsn, _used_v = set(), set()


def new_bsn(leading_zero=False):
    while True:
        d = [rng.randint(0, 9) for _ in range(8)]
        d[0] = 0 if leading_zero else rng.randint(1, 6)
        if leading_zero and d[1] == 0:
            continue
        check = sum(w * x for w, x in zip(range(9, 1, -1), d)) % 11
        if check == 10:
            continue
        s = "".join(map(str, d)) + str(check)
        if s in _used_bsn:
            continue
        assert bsn_ok(s)
        _used_bsn.add(s)
        return s


def bad_bsn():
    """Nine digits that fail the 11-test."""
    s = new_bsn()
    bad = s[:8] + str((int(s[8]) + 1) % 10)
    assert not bsn_ok(bad)
    return bad


def new_vnummer():
    while True:
        s = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(9))
        if s not in _used_v:
            _used_v.add(s)
            return s


# ---------------------------------------------------------------------------------------------
# Dates


def nl(d):
    return d.strftime("%d-%m-%Y") if d else ""


def ymd(d):
    return d.strftime("%Y%m%d") if d else "00000000"


def rand_date(a, b):
    return a + dt.timedelta(days=rng.randint(0, (b - a).days))


def plus(d, lo, hi, cap=LAST):
    """d + random(lo..hi) days, never after cap, never before d."""
    return max(d, min(d + dt.timedelta(days=rng.randint(lo, hi)), cap))


def years_later(d, n):
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def nl_birth_to_ymd(s):
    dd, mm, yyyy = s.split("-")
    return yyyy + mm + dd


# ---------------------------------------------------------------------------------------------
# COA TVS export (§1)

COLUMNS = ["BSN", "VNUMMER", "ACHTERNAAM", "VOORNAMEN", "GEBOORTEDATUM", "GESLACHT",
           "NATIONALITEIT", "LAND_HERKOMST", "GEZINSNUMMER", "GEZINSROL", "AZC", "STATUSDATUM",
           "GEMEENTE", "KOPPELDATUM", "VERWACHTE_HUISVESTING", "HUISVESTINGSDATUM",
           "TAALLES_UREN", "VOORINBURGERING", "OPLEIDINGSNIVEAU", "GEALFABETISEERD",
           "WERKERVARING", "GEZONDHEID"]

CANONICAL = dict(zip(COLUMNS, [
    "bsn", "vnummer", "achternaam", "voornamen", "geboortedatum", "geslacht", "nationaliteit",
    "landHerkomst", "gezinsnummer", "gezinsrol", "azc", "statusdatum", "gemeente", "koppeldatum",
    "verwachteHuisvesting", "huisvestingsdatum", "taallesUren", "voorinburgering",
    "opleidingsniveau", "gealfabetiseerd", "werkervaring", "gezondheid"]))


class Q(str):
    """A value that is always written quoted."""


def csv_field(value):
    value = "" if value is None else value
    if isinstance(value, Q) or any(c in value for c in ';"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_line(values):
    return ";".join(csv_field(v) for v in values)


def birth(adult=True):
    if adult:
        return nl(rand_date(D(1964, 1, 1), D(2003, 12, 31)))
    return nl(rand_date(D(2009, 1, 1), D(2023, 6, 30)))


# One spec per person in the 2026-11-22 snapshot:
# (key, achternaam, voornamen, geboortedatum|None, geslacht, nationaliteit, land, gezin, rol,
#  azc, gemeente, housed, ids, opleiding, gealfabetiseerd, werkervaring, gezondheid, opmerking)
# ids: both | v (V-number only) | b (BSN only) | b8 (BSN with leading 0, written as 8 digits)
PERSONS = [
    ("alhassan-m", "Al-Hassan", "Mohammad", None, "M", "SYR", "SYR", "G-2026-00417", "HOOFD",
     "AZC Budel-Cranendonck", "GM0363", True, "both", "3", "J",
     "Elektricien in Aleppo (12 jaar); daarna eigen installatiebedrijf", "", ""),
    ("haddad-r", "Haddad", "Rania", None, "V", "SYR", "SYR", "G-2026-00417", "PARTNER",
     "AZC Budel-Cranendonck", "GM0363", True, "both", "4", "J",
     "Lerares Engels op een middelbare school", "Hoge bloeddruk, medicatie via de huisarts van het azc", ""),
    ("alhassan-y", "Al-Hassan", "Yusuf", "kid", "M", "SYR", "SYR", "G-2026-00417", "KIND",
     "AZC Budel-Cranendonck", "GM0363", True, "both", "1", "J", "", "", ""),
    ("alhassan-l", "Al-Hassan", "Lea", "kid", "V", "SYR", "SYR", "G-2026-00417", "KIND",
     "AZC Budel-Cranendonck", "GM0363", True, "both", "0", "N", "", "", ""),
    ("haile-h", "Hailé", "Habtom", "00-07-1990", "M", "ERI", "ERI", "G-2026-00388", "HOOFD",
     "AZC Ter Apel", "GM0344", False, "both", "2", "J", "Timmerman, bouw van woningen", "", ""),
    ("tesfay-s", "Tesfay", "Selam", None, "V", "ERI", "ERI", "G-2026-00388", "PARTNER",
     "AZC Ter Apel", "GM0344", False, "both", "1", "N", "",
     "Zwanger, uitgerekende datum januari; controles via verloskundige", ""),
    ("haile-l", "Hailé", "Luwam", "kid", "V", "ERI", "ERI", "G-2026-00388", "KIND",
     "AZC Ter Apel", "GM0344", False, "both", "1", "J", "", "", ""),
    ("rahimi-a", "Rahimi", "Ahmad", None, "M", "AFG", "AFG", "G-2026-00502", "HOOFD",
     "AZC Zweeloo", "", False, "both", "2", "J", "Tolk voor een internationale organisatie", "",
     Q("dossier compleet")),
    ("rahimi-z", "Rahimi", "Zahra", None, "V", "AFG", "AFG", "G-2026-00502", "PARTNER",
     "AZC Zweeloo", "", False, "both", "0", "N", "", "", ""),
    ("rahimi-m", "Rahimi", "Mariam", "kid", "V", "AFG", "AFG", "G-2026-00502", "KIND",
     "AZC Zweeloo", "", False, "v", "1", "J", "", "", ""),
    ("ozturk-m", "Öztürk", "Mehmet Ali", None, "M", "TUR", "TUR", "G-2025-01133", "HOOFD",
     "AZC Gilze", "GM0599", False, "both", "3", "J",
     Q("Eigenaar bakkerij & lunchroom in Gaziantep, <10 medewerkers"), "", ""),
    ("ozturk-a", "Öztürk", "Ayşe", None, "V", "TUR", "TUR", "G-2025-01133", "PARTNER",
     "AZC Gilze", "GM0599", False, "b", "2", "J", "Naaister in een textielatelier", "", ""),
    ("khalil-o", "Khalil", "Omar", None, "M", "SYR", "SYR", "", "", "AZC Oisterwijk", "GM0518",
     False, "both", "2", "J", 'Chauffeur bij "Damascus Transport", 6 jaar', "", ""),
    ("alkhatib-n", "Al-Khatib", "Nour", None, "V", "SYR", "SYR", "", "", "AZC Oisterwijk", "",
     False, "both", "4", "J", "Apotheker (farmaceut), 3 jaar in ziekenhuisapotheek", "", ""),
    ("ghebremedhin-y", "Ghebremedhin", "Yonas", None, "M", "ERI", "ERI", "", "",
     "AZC Ter Apel", "GM0014", False, "b8", "1", "J", "Landbouw, eigen boerderij", "", ""),
    ("berhane-s", "Berhane", "Senait", None, "V", "ERI", "ERI", "", "", "AZC Den Helder",
     "GM0772", True, "both", "3", "J",
     "Verpleegkundige, Asmara (2010-2016)\r\nVrijwilliger in het gezondheidscentrum van het azc",
     "Rugklachten na ongeval, fysiotherapie gestart", ""),
    ("ahmadzai-f", "Ahmadzai", "Farid", None, "M", "AFG", "AFG", "", "", "AZC Gilze",
     "GM0363", False, "both", "4", "J", "Ingenieur wegenbouw, Kabul", "", Q("terugbellen")),
    ("karimi-h", "Karimi", "Hamid", "00-00-1985", "M", "AFG", "AFG", "", "", "AZC Zweeloo",
     "GM0599", False, "both", "0", "N", "Schaapherder",
     "Posttraumatische stressklachten, in behandeling bij het GGZ-team van het azc", ""),
    ("dogan-e", "Doğan", "Emre", None, "M", "TUR", "TUR", "", "", "AZC Budel-Cranendonck",
     "GM0344", False, "both", "3", "J", "Automonteur", "", ""),
    ("agaoglu-b", "AĞAOĞLU", "Buğra", None, "M", "TUR", "TUR", "", "", "AZC Den Helder", "",
     False, "v", "2", "J", "", "", ""),
    ("alahmar-a", "Al-Ahmar", "Abdullah", None, "M", "YEM", "YEM", "", "", "AZC Oisterwijk",
     "GM0518", True, "both", "2", "J", "Visser in Al Hudaydah", "Astma, gebruikt een inhalator", ""),
    ("baabbad-f", "Ba'abbad", "Fatima", None, "V", "YEM", "YEM", "", "", "AZC Ter Apel",
     "GM0014", False, "both", "1", "O", "", "", ""),
    ("alhakimi-m", "Al-Hakimi", "Mohammed Saleh", None, "M", "YEM", "YEM", "", "",
     "AZC Den Helder", "GM0772", False, "both", "9", "O", "", "", ""),
    ("kidane-s", "Kidane", "Senay", "00-00-1992", "O", "XXX", "ERI", "", "", "AZC Zweeloo", "",
     False, "v", "9", "O", "", "", ""),
]


def build_coa_snapshot():
    """The persons of the 2026-11-22 snapshot as dicts keyed by standard column name."""
    groups = {}  # shared dates per family (or per single person)
    rows = []
    for (key, ach, voor, geb, sex, nat, land, gezin, rol, azc, gem, housed, ids, opl, alfa,
         werk, gez, opm) in PERSONS:
        g = gezin or key
        if g not in groups:
            if housed:
                status = rand_date(D(2025, 3, 1), D(2026, 4, 30))
            else:
                status = rand_date(D(2025, 9, 1), D(2026, 10, 15))
            koppel = plus(status, 14, 70) if gem else None
            huis = plus(koppel, 30, 110) if housed else None
            if huis:
                verwacht = max(koppel, huis + dt.timedelta(days=rng.randint(-10, 10)))
                verwacht = min(verwacht, LAST)
            elif koppel:
                v = koppel + dt.timedelta(days=rng.randint(30, 120))
                verwacht = v if v <= LAST else None  # never a future date in these samples
            else:
                verwacht = None
            groups[g] = (status, koppel, verwacht, huis)
        status, koppel, verwacht, huis = groups[g]
        if key in ("khalil-o", "ahmadzai-f"):  # linked / re-linked on the 21st
            koppel, verwacht = D(2026, 11, 21), None
        adult = rol != "KIND"
        b = bsn = new_bsn(leading_zero=(ids == "b8")) if ids in ("both", "b", "b8") else ""
        if ids == "b8":
            b = bsn[1:]
        row = {
            "BSN": b, "VNUMMER": new_vnummer() if ids in ("both", "v", "b8") else "",
            "ACHTERNAAM": ach, "VOORNAMEN": voor,
            "GEBOORTEDATUM": birth(adult) if geb in (None, "kid") else geb,
            "GESLACHT": sex, "NATIONALITEIT": nat, "LAND_HERKOMST": land,
            "GEZINSNUMMER": gezin, "GEZINSROL": rol, "AZC": azc, "STATUSDATUM": nl(status),
            "GEMEENTE": gem, "KOPPELDATUM": nl(koppel), "VERWACHTE_HUISVESTING": nl(verwacht),
            "HUISVESTINGSDATUM": nl(huis),
            "TAALLES_UREN": str(rng.randint(0, 60) if not adult else rng.choice([0, 24, 48, 96, 120, 160, 212, 280, 340])),
            "VOORINBURGERING": rng.choice("JN") if adult else "N",
            "OPLEIDINGSNIVEAU": opl, "GEALFABETISEERD": alfa, "WERKERVARING": werk,
            "GEZONDHEID": gez, "OPMERKING_INTERN": opm,
            "_key": key, "_bsn9": bsn,
        }
        rows.append(row)
    return rows


def write_coa_main(rows):
    header = ["VNUMMER", "Bsn", "achternaam", "Voornamen", "GESLACHT", "GEBOORTEDATUM",
              "Land_Herkomst", "NATIONALITEIT", "AZC", "GEZINSNUMMER", "GezinsRol", "STATUSDATUM",
              "OPMERKING_INTERN", "GEMEENTE", "KOPPELDATUM", "HUISVESTINGSDATUM",
              "VERWACHTE_HUISVESTING", "TAALLES_UREN", "VOORINBURGERING", "GEZONDHEID",
              "GEALFABETISEERD", "OPLEIDINGSNIVEAU", "WERKERVARING"]
    assert sorted(h.upper() for h in header) == sorted(COLUMNS + ["OPMERKING_INTERN"])
    lines = [csv_line(header)]
    for r in rows:
        lines.append(csv_line([r[h.upper()] for h in header]))
    path = os.path.join(COA, "tvs-export-20261122.csv")
    with open(path, "wb") as f:
        f.write(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path, len(rows)


def write_coa_previous(rows22):
    """The night before: 6 of the same persons (with the differences a diff should find) and 2
    who are gone on the 22nd (one housed: nothing to do; one linked, not housed: withdrawal)."""
    by = {r["_key"]: dict(r) for r in rows22}
    out = []
    for key in ("alhassan-m", "khalil-o", "alkhatib-n", "ahmadzai-f", "dogan-e", "kidane-s"):
        r = dict(by[key])
        if key == "khalil-o":  # not linked yet
            r.update(GEMEENTE="", KOPPELDATUM="", VERWACHTE_HUISVESTING="")
        if key == "ahmadzai-f":  # linked to Utrecht first, re-linked to Amsterdam on the 21st
            st = dt.datetime.strptime(r["STATUSDATUM"], "%d-%m-%Y").date()
            r.update(GEMEENTE="GM0344", KOPPELDATUM=nl(plus(st, 10, 40, cap=D(2026, 11, 1))))
        if key == "dogan-e":  # lesson hours grew
            r["TAALLES_UREN"] = str(max(0, int(r["TAALLES_UREN"]) - 12))
        if key == "alhassan-m":  # only the free text differs
            r["WERKERVARING"] = "Elektricien in Aleppo (12 jaar)"
        out.append(r)
    st = rand_date(D(2025, 4, 1), D(2026, 1, 31))
    kop = plus(st, 20, 60)
    huis = plus(kop, 40, 90, cap=D(2026, 11, 20))
    out.insert(2, {
        "BSN": new_bsn(), "VNUMMER": new_vnummer(), "ACHTERNAAM": "Saleh", "VOORNAMEN": "Ibrahim",
        "GEBOORTEDATUM": birth(), "GESLACHT": "M", "NATIONALITEIT": "YEM", "LAND_HERKOMST": "YEM",
        "GEZINSNUMMER": "", "GEZINSROL": "", "AZC": "AZC Gilze", "STATUSDATUM": nl(st),
        "GEMEENTE": "GM0772", "KOPPELDATUM": nl(kop), "VERWACHTE_HUISVESTING": nl(huis),
        "HUISVESTINGSDATUM": nl(huis), "TAALLES_UREN": "180", "VOORINBURGERING": "J",
        "OPLEIDINGSNIVEAU": "2", "GEALFABETISEERD": "J", "WERKERVARING": "Kok in een restaurant",
        "GEZONDHEID": "", "_key": "saleh-i"})
    st = rand_date(D(2026, 5, 1), D(2026, 9, 30))
    out.insert(5, {
        "BSN": new_bsn(), "VNUMMER": new_vnummer(), "ACHTERNAAM": "Tekle", "VOORNAMEN": "Dawit",
        "GEBOORTEDATUM": birth(), "GESLACHT": "M", "NATIONALITEIT": "ERI", "LAND_HERKOMST": "ERI",
        "GEZINSNUMMER": "", "GEZINSROL": "", "AZC": "AZC Ter Apel", "STATUSDATUM": nl(st),
        "GEMEENTE": "GM0014", "KOPPELDATUM": nl(plus(st, 10, 40)), "VERWACHTE_HUISVESTING": "",
        "HUISVESTINGSDATUM": "", "TAALLES_UREN": "64", "VOORINBURGERING": "N",
        "OPLEIDINGSNIVEAU": "1", "GEALFABETISEERD": "J", "WERKERVARING": "",
        "GEZONDHEID": "", "_key": "tekle-d"})
    lines = [csv_line(COLUMNS)] + [csv_line([r[c] for c in COLUMNS]) for r in out]
    path = os.path.join(COA, "tvs-export-20261121.csv")
    with open(path, "wb") as f:
        f.write(("\n".join(lines) + "\n").encode("utf-8"))
    return path, len(out)


def fixture_person(ach, voor, sex, nat, **over):
    st = rand_date(D(2025, 10, 1), D(2026, 8, 31))
    kop = plus(st, 14, 60)
    r = {
        "BSN": new_bsn(), "VNUMMER": new_vnummer(), "ACHTERNAAM": ach, "VOORNAMEN": voor,
        "GEBOORTEDATUM": birth(), "GESLACHT": sex, "NATIONALITEIT": nat, "LAND_HERKOMST": nat,
        "GEZINSNUMMER": "", "GEZINSROL": "", "AZC": rng.choice(["AZC Ter Apel", "AZC Gilze", "AZC Zweeloo", "AZC Oisterwijk"]),
        "STATUSDATUM": nl(st), "GEMEENTE": rng.choice(["GM0363", "GM0344", "GM0599", "GM0518", "GM0014", "GM0772"]),
        "KOPPELDATUM": nl(kop), "VERWACHTE_HUISVESTING": "", "HUISVESTINGSDATUM": "",
        "TAALLES_UREN": str(rng.choice([0, 36, 72, 110, 150, 204])), "VOORINBURGERING": rng.choice("JN"),
        "OPLEIDINGSNIVEAU": rng.choice("01234"), "GEALFABETISEERD": "J", "WERKERVARING": "",
        "GEZONDHEID": "",
    }
    r.update(over)
    return r


def write_coa_fixture():
    P = fixture_person
    dup = new_bsn()
    unlinked = dict(GEMEENTE="", KOPPELDATUM="")
    # (row, expected finding (field, rule) or None)
    rows = [
        (P("Mansour", "Khaled", "M", "SYR"), None),
        (P("", "Amira", "V", "SYR"), ("achternaam", "field.required")),
        (P("Tesfamariam", "Filmon", "M", "ERI", WERKERVARING="Metselaar in Keren\nDaarna bouwvakker in Khartoum"), None),
        (P("Yousufzai", "Naveed", "M", "AFG", TAALLES_UREN="twaalf"), ("taallesUren", "field.type")),
        (P("Çelik", "Hatice", "V", "TUR"), None),
        (P("Mebrahtu", "Saba", "Q", "ERI"), ("geslacht", "field.enum")),
        (P(("Abdelrahman-" * 20)[:201], "Samir", "M", "SYR"), ("achternaam", "field.length")),
        (P("Al-Maqtari", "Hussein", "M", "YEM", TAALLES_UREN="6000"), ("taallesUren", "field.range")),
        (P("Ghirmay", "Helen", "V", "ERI"), None),
        (P("Sharifi", "Hamid", "M", "AFG", BSN=bad_bsn()), ("bsn", "field.bsn")),
        (P("Yıldız", "Kemal", "M", "TUR", VNUMMER="".join(str(rng.randint(0, 9)) for _ in range(9))), ("vnummer", "field.format")),
        (P("Darwish", "Layla", "V", "SYR", STATUSDATUM="31-02-2024", **unlinked), ("statusdatum", "field.date")),
        (P("Al-Shami", "Tariq", "M", "YEM", STATUSDATUM="12-01-2027", **unlinked), ("statusdatum", "field.future")),
        (P("Osman", "Ruta", "V", "ERI", GEBOORTEDATUM="00-07-1990"), None),
        (P("Hakimi", "Sodaba", "V", "AFG", STATUSDATUM="10-05-2026", KOPPELDATUM="01-05-2026"), ("koppeldatum", "record.koppeldatum-before-statusdatum")),
        (P("Al-Jaziri", "Bilal", "M", "SYR", BSN="", VNUMMER=""), ("bsn", "record.bsn-or-vnummer")),
        (P("Kaya", "Serkan", "M", "TUR", GEMEENTE="GM0344", KOPPELDATUM=""), ("koppeldatum", "record.koppeldatum-required")),
        (P("Wolde", "Mulu", "V", "ERI", STATUSDATUM="02-03-2026", KOPPELDATUM="01-08-2026", HUISVESTINGSDATUM="20-07-2026"), ("huisvestingsdatum", "record.huisvestingsdatum-before-koppeldatum")),
        (P("Noorzai", "Gul", "V", "AFG", GEBOORTEDATUM="00-00-1985", **unlinked), None),
        (P("Al-Kurdi", "Yara", "V", "SYR", BSN=dup), ("bsn", "record.unique")),
        (P("Al-Hubaishi", "Sami", "M", "YEM", WERKERVARING="Boekhouder; later kassier"), None),
        (P("Al-Kurdi", "Rami", "M", "SYR", BSN=dup), ("bsn", "record.unique")),
        (P("Şahin", "Zeynep", "V", "TUR", GEZONDHEID="Diabetes type 2, medicatie"), None),
    ]
    lines = [csv_line(COLUMNS)]
    findings = []
    line_no = 2  # physical line where the next record starts
    for r, expect in rows:
        text = csv_line([r[c] for c in COLUMNS])
        if expect:
            findings.append({"line": line_no, "field": expect[0], "rule": expect[1]})
        lines.append(text)
        line_no += text.count("\n") + 1
    path = os.path.join(FIXTURES, "coa-one-bad-row-of-each-kind.csv")
    with open(path, "wb") as f:
        f.write(("\n".join(lines) + "\n").encode("utf-8"))
    findings.sort(key=lambda x: x["line"])
    epath = os.path.join(FIXTURES, "coa-one-bad-row-of-each-kind.expected.json")
    with open(epath, "w", encoding="utf-8") as f:
        json.dump({"dataRows": len(rows), "findings": findings}, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return path, len(rows), len(findings)


# ---------------------------------------------------------------------------------------------
# DUO status extract (§3)

DUO_OIN = "00000001003214345000"


def duo_detail(r):
    fields = [
        ("D", 1), (r["bsn"], 9), (r["regime"], 1), (r["doelgroep"], 1), (ymd(r["start"]), 8),
        (ymd(r["einde"]), 8), (r["status"], 2), (ymd(r["statusdatum"]), 8), (r["route"], 1),
        (ymd(r["routestart"]), 8), (ymd(r["pip"]), 8), (r["pipazc"], 1), (r["niveau"], 2),
        ("%02d" % r["boetes"], 2), (r["pauze"], 1), (r["gemeente"] or "", 6), (r["geslacht"], 1),
        (r["geboorte"], 8), (r["land"], 3), (r["werkend"], 1), (r["vervolg"], 1)]
    s = ""
    for value, width in fields:
        value = value.ljust(width)
        assert len(value) == width, (value, width)
        s += value
    return s.ljust(100)


def duo_file(seq, created, records):
    lines = [("H" + DUO_OIN + created + "%06d" % seq).ljust(100)]
    lines += [duo_detail(r) for r in records]
    total = sum(int(r["bsn"]) for r in records) % 10**15
    lines.append(("T" + "%09d" % len(records) + "%015d" % total).ljust(100))
    return lines


def write_dat(path, lines, terminate=True):
    data = "\n".join(lines) + ("\n" if terminate else "")
    with open(path, "wb") as f:
        f.write(data.encode("iso-8859-15"))


def duo_record(status, regime, doelgroep, bsn=None, start=None, geslacht=None, geboorte=None,
               land=None, gemeente=None, pipazc=None):
    wi2013 = regime == "3"
    exceeded = status in ("PB", "PN", "PV")
    if start is None:
        if wi2013:
            start = rand_date(D(2015, 1, 1), D(2021, 12, 31) if not exceeded else D(2020, 6, 30))
        elif status == "PL":
            start = rand_date(D(2024, 1, 1), D(2026, 8, 31))
        elif exceeded:
            start = rand_date(D(2022, 1, 1), D(2023, 4, 30))
        else:  # finished obligations: the whole term lies in the past
            start = rand_date(D(2022, 1, 1), D(2023, 11, 1))
    einde = years_later(start, 3)
    if wi2013 and status == "PN":
        einde = years_later(einde, 2)  # extension, not culpable
    if status == "PL" and not PL_TERM_END_MAY_BE_FUTURE:
        einde = min(einde, LAST)
    if status != "PL":
        assert einde <= LAST, status
    if status == "PL":
        statusdatum = start
    elif status in ("PB", "PN", "PV"):
        lo, hi = {"PB": (5, 90), "PN": (30, 150), "PV": (60, 240)}[status]
        statusdatum = plus(einde, lo, hi)
    elif status == "VR":
        statusdatum = plus(start, 10, 60)
    else:
        statusdatum = plus(start, 180, 1000, cap=min(einde, LAST))
    if wi2013:
        route, routestart, pip, pipazc = " ", None, None, " "
    else:
        pip = plus(start, 30, 200, cap=min(statusdatum if status != "PL" else LAST, LAST))
        pipazc = pipazc or (rng.choice("JN") if doelgroep == "A" else "N")
        route = rng.choice("BBBOZ")
        routestart = plus(pip, 14, 90)
    niveau = {"VD": rng.choice(["A2", "B1", "B1", "B2", "C1"]), "PL": rng.choice(["  ", "A1", "A2"]),
              "OM": rng.choice(["  ", "A1"]), "OI": "A2", "VR": "  ", "VV": "  "}.get(status, rng.choice(["  ", "A1", "A2"]))
    boetes = {"PV": rng.randint(1, 3)}.get(status, 0)
    pauze = "J" if status == "PV" and doelgroep == "A" and statusdatum >= D(2023, 3, 15) else "N"
    if gemeente is None:
        gemeente = rng.choice(["GM0363", "GM0344", "GM0599", "GM0518", "GM0014", "GM0772"])
        if wi2013 and rng.random() < 0.4:
            gemeente = ""
    adult_from, adult_to = (D(1994, 1, 1), D(2005, 12, 31)) if route == "O" else (D(1960, 1, 1), D(2000, 12, 31))
    return {
        "bsn": bsn or new_bsn(), "regime": regime, "doelgroep": doelgroep, "start": start,
        "einde": einde, "status": status, "statusdatum": statusdatum, "route": route,
        "routestart": routestart, "pip": pip, "pipazc": pipazc, "niveau": niveau,
        "boetes": boetes, "pauze": pauze, "gemeente": gemeente,
        "geslacht": geslacht or rng.choice("MMVVVX" if doelgroep != "A" else "MMMVV"),
        "geboorte": geboorte or ymd(rand_date(adult_from, adult_to)),
        "land": land or {"A": rng.choice(["SYR", "ERI", "AFG", "TUR", "YEM"]),
                         "G": rng.choice(["TUR", "MAR", "IND", "CHN", "PHL", "USA"]),
                         "O": rng.choice(["IND", "USA", "GHA"])}[doelgroep],
        "werkend": " " if wi2013 else rng.choice("JNN"),
        "vervolg": " " if wi2013 else ("J" if route == "O" and rng.random() < 0.6 else "N"),
    }


def build_duo(coa_rows):
    by = {r["_key"]: r for r in coa_rows}

    def from_coa(key, pipazc):
        p = by[key]
        st = dt.datetime.strptime(p["STATUSDATUM"], "%d-%m-%Y").date()
        return duo_record("PL", "1", "A", bsn=p["_bsn9"], start=plus(st, 7, 30),
                          geslacht=p["GESLACHT"], geboorte=nl_birth_to_ymd(p["GEBOORTEDATUM"]),
                          land=p["LAND_HERKOMST"], gemeente=p["GEMEENTE"], pipazc=pipazc)

    records = [
        from_coa("alhassan-m", "N"),
        duo_record("PL", "1", "A", geboorte="19900700"),
        duo_record("PB", "1", "A"),
        duo_record("VD", "1", "A"),
        duo_record("OM", "1", "A"),
        duo_record("PN", "3", "A"),
        duo_record("PL", "1", "G"),
        duo_record("PV", "1", "A"),
        duo_record("VD", "3", "A", geboorte="19850000"),
        duo_record("OI", "3", "A"),
        from_coa("haile-h", "J"),
        duo_record("VR", "3", "G"),
        duo_record("PL", "1", "O"),
        duo_record("VV", "1", "A"),
        duo_record("OO", "1", "O"),
        duo_record("PB", "3", "G"),
        duo_record("VD", "1", "G"),
        duo_record("OM", "3", "G"),
        duo_record("PL", "1", "A"),
        duo_record("PN", "1", "A"),
        duo_record("VV", "3", "G"),
        duo_record("OO", "3", "A"),
        from_coa("karimi-h", "J"),
        duo_record("PV", "3", "G"),
        duo_record("VD", "3", "O"),
        duo_record("OI", "1", "G"),
        duo_record("VR", "3", "O"),
        duo_record("PL", "1", "A", geboorte="19930000"),
        duo_record("VD", "1", "A"),
        duo_record("VV", "1", "G"),
    ]
    assert len(records) == 30
    # the next night: three of the same persons changed, two new obligations
    nxt = []
    for i, (status, sd) in ((2, ("PN", D(2026, 11, 21))), (6, ("VD", D(2026, 11, 20))), (19, ("PV", D(2026, 11, 21)))):
        r = dict(records[i])
        r["status"], r["statusdatum"] = status, sd
        if status == "VD":
            r["niveau"] = "B1"
        if status == "PV":
            r["boetes"], r["pauze"] = 1, "J"
        nxt.append(r)
    nxt.insert(1, duo_record("PL", "1", "A", start=D(2026, 9, 1)))
    nxt.append(duo_record("PL", "1", "G", start=D(2026, 10, 6)))
    return records, nxt


# ---------------------------------------------------------------------------------------------
# Argonaut (§6) and consent (§7)


def jl(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def write_argonaut_and_consent(duo_records, coa_rows):
    by_status = {}
    for r in duo_records:
        by_status.setdefault(r["status"], []).append(r)
    picks = [by_status["OM"][0], by_status["OM"][1], by_status["PB"][0], by_status["PN"][1],
             next(r for r in duo_records if r["bsn"] == next(c["_bsn9"] for c in coa_rows if c["_key"] == "karimi-h")),
             by_status["PL"][1], by_status["PV"][0], by_status["OI"][1]]
    advies = [
        ("ontheffing-geadviseerd", "Ernstige chronische pijnklachten en concentratiestoornissen; leerbaarheid blijvend beperkt."),
        ("ontheffing-geadviseerd", "Cognitieve beperking vastgesteld door neuropsycholoog (IQ-onderzoek 2026)."),
        ("geen-ontheffing", "Klachten zijn behandelbaar; deelname aan lessen met aanpassingen mogelijk."),
        ("nader-onderzoek", "Gehoorverlies beiderzijds; audiologisch onderzoek aangevraagd."),
        ("nader-onderzoek", "PTSS-klachten; oordeel behandelend psychiater afwachten."),
        ("geen-ontheffing", "Visusbeperking gecorrigeerd met bril; geen belemmering voor examens."),
        ("ontheffing-geadviseerd", "Progressieve spierziekte, rolstoelgebonden; examenlocatie niet haalbaar."),
        ("geen-ontheffing", "Migraine, goed ingesteld op medicatie."),
    ]
    lines, day = [], D(2026, 11, 2)
    for i, (r, (uitkomst, tekst)) in enumerate(zip(picks, advies)):
        day = plus(day, 1, 3, cap=LAST)
        lines.append(jl({"adviesId": "ARG-2026-%06d" % (101 + i), "bsn": r["bsn"],
                         "datum": day.isoformat(), "uitkomst": uitkomst, "toelichting": tekst}))
    path = os.path.join(ARGONAUT, "argonaut-advies-20261122.jsonl")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")

    bad = [
        jl({"adviesId": "ARG-2026-000201", "bsn": new_bsn(), "datum": "2026-11-18",
            "uitkomst": "geen-ontheffing", "toelichting": "Lichte rugklachten, geen belemmering."}),
        '{"adviesId":"ARG-2026-000202","bsn":"%s","datum":"2026-11-18","uitkomst":"nader-onderzoek","toelichting":"Evenwichtsstoornis, verder onderzoek' % new_bsn(),
        jl({"adviesId": "ARG-2026-000203", "bsn": new_bsn(), "datum": "2026-11-19",
            "uitkomst": "ontheffing-afgewezen", "toelichting": "Slaapproblemen."}),
        jl({"adviesId": "ARG-2026-000204", "bsn": bad_bsn(), "datum": "2026-11-19",
            "uitkomst": "ontheffing-geadviseerd", "toelichting": "Ernstige epilepsie, frequente aanvallen."}),
        jl({"adviesId": "ARG-2026-000205", "bsn": new_bsn(), "datum": "2026-11-20",
            "uitkomst": "nader-onderzoek", "toelichting": "Geheugenklachten; neurologisch onderzoek gepland."}),
    ]
    bpath = os.path.join(FIXTURES, "argonaut-bad.jsonl")
    with open(bpath, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(bad) + "\n")

    coa = {c["_key"]: c for c in coa_rows}

    def consent(tid, bsn, doel, ontvanger, given, kanaal, geldig=None, ingetrokken=None):
        return jl({"toestemmingId": tid, "bsn": bsn, "doel": doel, "ontvanger": ontvanger,
                   "gegevenOp": given, "kanaal": kanaal, "geldigTot": geldig,
                   "ingetrokkenOp": ingetrokken})

    c_lines = [
        consent("T-101", picks[0]["bsn"], "medisch-advies", "DUO", "2026-10-28T09:14:00+01:00", "digitaal"),
        consent("T-102", picks[1]["bsn"], "medisch-advies", "DUO", "2026-09-30T14:40:00+02:00", "papier"),
        consent("T-103", coa["berhane-s"]["_bsn9"], "gezondheid-gemeente", coa["berhane-s"]["GEMEENTE"], "2026-11-03T11:05:00+01:00", "papier"),
        consent("T-104", picks[3]["bsn"], "medisch-advies", "DUO", "2025-11-10T10:00:00+01:00", "digitaal",
                geldig="2026-11-10T00:00:00+01:00"),
        consent("T-105", picks[4]["bsn"], "medisch-advies", "DUO", "2026-11-12T16:22:00+01:00", "digitaal"),
        consent("T-106", coa["karimi-h"]["_bsn9"], "gezondheid-gemeente", coa["karimi-h"]["GEMEENTE"], "2026-11-12T16:25:00+01:00", "digitaal"),
        consent("T-107", coa["haddad-r"]["_bsn9"], "gezondheid-gemeente", coa["haddad-r"]["GEMEENTE"], "2026-08-19T13:30:00+02:00", "digitaal"),
        consent("T-102", picks[1]["bsn"], "medisch-advies", "DUO", "2026-09-30T14:40:00+02:00", "papier",
                ingetrokken="2026-11-15T08:55:00+01:00"),
    ]
    cpath = os.path.join(TOESTEMMING, "toestemming-20261122.jsonl")
    with open(cpath, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(c_lines) + "\n")
    return path, len(lines), bpath, len(bad), cpath, len(c_lines)


# ---------------------------------------------------------------------------------------------


def main():
    for d in (FIXTURES, COA, DUO, ARGONAUT, TOESTEMMING):
        os.makedirs(d, exist_ok=True)
    summary = []
    coa_rows = build_coa_snapshot()
    summary.append(write_coa_main(coa_rows) + ("rows",))
    summary.append(write_coa_previous(coa_rows) + ("rows",))
    p, n, k = write_coa_fixture()
    summary.append((p, n, "rows, %d expected findings" % k))

    records22, records23 = build_duo(coa_rows)
    p = os.path.join(DUO, "duo-inburgering-20261122.dat")
    write_dat(p, duo_file(42, "20261122", records22))
    summary.append((p, len(records22), "detail records"))
    base = duo_file(43, "20261123", records23)
    p = os.path.join(DUO, "duo-inburgering-20261123.dat")
    write_dat(p, base)
    summary.append((p, len(records23), "detail records"))

    t = base[-1]
    defects = {
        "duo-bad-trailer-count.dat": base[:-1] + [(t[:1] + "%09d" % (len(records23) + 1) + t[10:])],
        "duo-bad-control-total.dat": base[:-1] + [(t[:10] + "%015d" % ((int(t[10:25]) + 9) % 10**15) + t[25:])],
        "duo-missing-trailer.dat": base[:-1],
        "duo-short-line.dat": base[:3] + [base[3][:99]] + base[4:],
    }
    assert base[3][99] == " "
    for name, lines in defects.items():
        p = os.path.join(FIXTURES, name)
        write_dat(p, lines)
        summary.append((p, len(records23), "detail records (defect: %s)" % name[4:-4]))

    summary.extend([(a, b, "lines") for a, b in zip(*[iter(write_argonaut_and_consent(records22, coa_rows))] * 2)])
    for path, n, what in summary:
        print("%-70s %3d %s" % (os.path.relpath(path, ROOT), n, what))


if __name__ == "__main__":
    main()
