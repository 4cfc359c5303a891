"""Dated de minimis cases, 2022 to 2025: Russia/Belarus Part 746 and the partner-country
carve-out, 3A090/4A090 and their scopes (China, + Macau, D:1/D:4/D:5, worldwide), the .z
paragraphs, the 2024 IEC and SME rules, 734.4(a)(8)/(a)(9). Same form as
tests/test_dated_cases.py (product P sold for 100; ``calc`` is the hand arithmetic).

An ECCN that did not exist on the date leaves its part unresolved: ``eccn-not-on-date``, and
the verdict is undetermined when counting the part could flip it.
"""

from __future__ import annotations

import pytest
from _pytest.mark.structures import ParameterSet
from datedcase import Case, case, check

D25 = "15 CFR 734.4(d) (25%)"
RU22 = "15 CFR 746.8(a)(1) CCL Categories 3-9 to Russia, 87 FR 12226, eff. 2022-02-24"
BY22 = "746.8(a)(1) extended to Belarus, 87 FR 13048, eff. 2022-03-02"
ALL22 = "746.8(a)(1) extended to the whole CCL (Categories 0-2), 87 FR 22130, eff. 2022-04-08"
LUX22 = "746.8 and Supp. No. 5 to Part 746 (luxury goods, EAR99), 87 FR 14785, eff. 2022-03-11"
PARTNER = (
    "734 Supp. No. 2 (a)(1) / 746.8(a)(12)(iii)(B): AT-only and 9A991 content not counted "
    "for an item made in a Supp. No. 3 to Part 746 country"
)
SUPP3 = {
    "JP": "Supp. No. 3 to Part 746, 87 FR 12226, eff. 2022-02-24",
    "KR": "South Korea added to Supp. No. 3, 87 FR 13627, eff. 2022-03-04",
    "CH": "Switzerland added to Supp. No. 3, 87 FR 21554, eff. 2022-04-08",
    "TW": "Taiwan added to Supp. No. 3, eff. 2023-02-24",
}
ZERO_Y = "15 CFR 734.4(a)(6)(ii) (.y to E:1/E:2, Belarus, China, Russia)"
UA22 = "15 CFR 746.6(a)(2) (so-called DNR/LNR: all items), 87 FR 12226, eff. 2022-02-24"
AC22 = (
    "742.6(a)(6) RS China: 3A090/4A090 created by 87 FR 62186 (FR Doc 2022-21658), "
    "eff. 2022-10-21"
)
MO23 = (
    "Macau added to the 3A090/4A090 RS paragraph, 88 FR 2821 (FR Doc 2023-00888), "
    "eff. 2023-01-17"
)
ACS23 = (
    "RS to D:1/D:4/D:5 excluding A:5/A:6 (and Macau); .z paragraphs created: 88 FR 73458 "
    "(FR Doc 2023-23055), eff. 2023-11-17"
)
IEC24 = "742.4(a)(5)/742.6(a)(10) worldwide, 89 FR 72926 (FR Doc 2024-19633), eff. 2024-09-06"
NS2 = "3B001 before the SME rules: 'NS applies to entire entry: NS Column 2'"
FDP24 = "89 FR 96790 (FR Doc 2024-28270), eff. 2024-12-02"
A8 = f"15 CFR 734.4(a)(8) (SME item with a US-origin IC, to Macau or D:5), {FDP24}"
A9 = f"15 CFR 734.4(a)(9) (3B item with a US-origin IC, footnote-5 party or advanced-node), {FDP24}"
AID25 = (
    "3A090.a/4A090.a/.z '.a' rows worldwide, 90 FR 4544 (FR Doc 2025-00636), eff. 2025-01-13 "
    "(compliance 2025-05-15; BIS non-enforcement 2025-05-13)"
)


ru = case  #: a case for Russia, Belarus and the regions of Ukraine (same signature)


def partner(made_in: str, day: str, verdict: str, ratio: float, calc: str) -> ParameterSet:
    """3A991 30 to Russia, the product made in ``made_in`` (carve-out on its Supp. No. 3 date)."""
    return case(f"russia-partner-{made_in}-{day}", day, "RU", (("3A991", 30),), verdict, ratio,
                calc, f"{D25}; {RU22}; {PARTNER}; {SUPP3[made_in]}", made_in=made_in)


CASES = [
    # ---- 2022-02-24 / 2022-03-02 / 2022-04-08: Russia and Belarus, Part 746
    ru("russia-2022-02-23-at-only", "2022-02-23", "RU", (("3A991", 30),), "not-subject", 0.0,
       "AT only, no AT mark for Russia: 0% <= 25%", D25),
    ru("russia-2022-02-24-cat3", "2022-02-24", "RU", (("3A991", 30),), "subject", 0.30,
       "Category 3: 30/100 = 30% > 25%", f"{D25}; {RU22}"),
    ru("russia-2022-02-24-mass-market", "2022-02-24", "RU", (("5A992.c", 26),), "subject", 0.26,
       "Category 5: 26/100 = 26% > 25%", f"{D25}; {RU22}"),
    ru("russia-2022-02-24-cat2-not-yet", "2022-02-24", "RU", (("2A991", 30),), "not-subject",
       0.0, "Category 2 not in 3-9: 0% <= 25%", f"{D25}; {RU22}"),
    ru("russia-2022-04-07-cat2-not-yet", "2022-04-07", "RU", (("2A991", 30),), "not-subject",
       0.0, "0% <= 25%", f"{D25}; {RU22}"),
    ru("russia-2022-04-08-cat2", "2022-04-08", "RU", (("2A991", 30),), "subject", 0.30,
       "whole CCL: 30/100 = 30% > 25%", f"{D25}; {ALL22}"),
    ru("russia-2022-04-08-two-parts", "2022-04-08", "RU", (("2A991", 14), ("3A991", 12)),
       "subject", 0.26, "14 + 12 = 26/100 = 26% > 25%", f"{D25}; {ALL22}"),
    ru("belarus-2022-03-01-at-only", "2022-03-01", "BY", (("3A991", 30),), "not-subject", 0.0,
       "no AT mark for Belarus: 0% <= 25%", D25),
    ru("belarus-2022-03-02-cat3", "2022-03-02", "BY", (("3A991", 30),), "subject", 0.30,
       "Category 3: 30% > 25%", f"{D25}; {BY22}"),
    ru("belarus-2022-04-07-cat2-not-yet", "2022-04-07", "BY", (("2A991", 30),), "not-subject",
       0.0, "0% <= 25%", f"{D25}; {BY22}"),
    ru("belarus-2022-04-08-cat2", "2022-04-08", "BY", (("2A991", 30),), "subject", 0.30,
       "whole CCL: 30% > 25%", f"{D25}; {ALL22}"),
    ru("russia-2022-02-24-ear99-no-list-yet", "2022-02-24", "RU", (("EAR99", 30),),
       "not-subject", 0.0, "no EAR99 list before 2022-03-11: 0% <= 25%", f"{D25}; {RU22}"),
    ru("russia-2022-03-10-listed-ear99", "2022-03-10", "RU", (("EAR99", 30),), "subject",
       0.30, "Supp. No. 4 list in force: listed EAR99 counts, 30% > 25%",
       f"{D25}; 746.5(a)(1)(ii), Supp. No. 4 to Part 746 (87 FR 12856, eff. 2022-03-03)",
       listed=True, limits=("not-modelled:Part 746 lists of EAR99 items",)),
    ru("russia-2022-03-02-listed-ear99", "2022-03-02", "RU", (("EAR99", 30),), "not-subject",
       0.0, "no Part 746 list of EAR99 items yet: 0% <= 25%", f"{D25}; {RU22}", listed=True),
    ru("russia-2022-03-11-listed-ear99", "2022-03-11", "RU", (("EAR99", 30),), "subject", 0.30,
       "listed EAR99 counts: 30% > 25%", f"{D25}; {LUX22}", listed=True,
       limits=("not-modelled:Part 746 lists of EAR99 items",)),
    ru("russia-2022-03-11-unflagged-ear99", "2022-03-11", "RU", (("EAR99", 30),),
       "undetermined", 0.0, "0% if not listed, 30% > 25% if listed", f"{D25}; {LUX22}",
       high=0.30),
    partner("JP", "2022-02-23", "not-subject", 0.0, "no Part 746 row yet, AT only: 0%"),
    partner("JP", "2022-02-24", "not-subject", 0.0, "carve-out: 3A991 not counted, 0%"),
    partner("KR", "2022-03-03", "subject", 0.30, "KR not yet in Supp. No. 3: 30% > 25%"),
    partner("KR", "2022-03-04", "not-subject", 0.0, "carve-out: 0% <= 25%"),
    partner("CH", "2022-04-07", "subject", 0.30, "CH not yet in Supp. No. 3: 30% > 25%"),
    partner("CH", "2022-04-08", "not-subject", 0.0, "carve-out: 0% <= 25%"),
    partner("TW", "2023-02-23", "subject", 0.30, "TW not yet in Supp. No. 3: 30% > 25%"),
    partner("TW", "2023-02-24", "not-subject", 0.0, "carve-out: 0% <= 25%"),
    ru("russia-partner-CN-made-no-carve-out", "2022-02-24", "RU", (("3A991", 30),), "subject",
       0.30, "China is not a Supp. No. 3 country: 30% > 25%", f"{D25}; {RU22}; {PARTNER}",
       made_in="CN"),
    ru("russia-partner-JP-ns2-still-counts", "2022-04-08", "RU", (("3A001.a.7", 30),),
       "subject", 0.30, "NS 2 content is not AT-only: 30% > 25%", f"{D25}; {PARTNER}",
       made_in="JP"),
    ru("russia-partner-JP-9a991-named", "2022-04-08", "RU", (("9A991", 30),), "not-subject",
       0.0, "9A991 named by the carve-out: 0% <= 25%", f"{D25}; {PARTNER}", made_in="JP"),
    ru("russia-y-2022-02-23-rs-ratio", "2022-02-23", "RU", (("9A610.y.1", 1),), "not-subject",
       0.01, "RS .y counts: 1/100 = 1% <= 25%, (a)(6)(ii) not yet for Russia", D25),
    ru("russia-y-2022-02-24-zero", "2022-02-24", "RU", (("9A610.y.1", 1),), "subject", 0.01,
       "no de minimis level for .y to Russia", f"{ZERO_Y}; {RU22}", basis="zero-de-minimis"),
    ru("russia-y-2022-02-24-zero-limits-name-unsure", "2022-02-24", "RU", (("9A610.y.1", 1),),
       "subject", 0.01, "as above", f"{ZERO_Y}; {RU22}", basis="zero-de-minimis",
       limits=("unsure:734.4(a)(6)(ii)",)),
    ru("belarus-y-2022-03-01-not-counted", "2022-03-01", "BY", (("9A610.y.1", 1),),
       "not-subject", 0.0, ".y RS does not reach Belarus: 0% <= 25%", D25),
    ru("belarus-y-2022-03-02-zero", "2022-03-02", "BY", (("9A610.y.1", 1),), "subject", 0.01,
       "Category 9 counts (1%) and no de minimis level", f"{ZERO_Y}; {BY22}",
       basis="zero-de-minimis"),
    ru("dnr-2022-02-23-ukraine-row", "2022-02-23", "UA-14", (("EAR99", 30),), "not-subject",
       0.0, "Ukraine's row: EAR99 not counted, 0% <= 25%", D25),
    ru("dnr-2022-02-24-all-items", "2022-02-24", "UA-14", (("EAR99", 30),), "subject", 0.30,
       "EAR99 counts: 30% > 25%", f"{D25}; {UA22}"),
    # ---- 2022-10-21: 3A090 / 4A090 created, RS to China; 2023-01-17: + Macau
    case("china-3a090-2022-10-20-not-on-ccl", "2022-10-20", "CN", (("3A090.a", 30),),
         "undetermined", 0.0, "unknown classification: 0% or 30% > 25%", AC22, high=0.30,
         issue="eccn-not-on-date", limits=("not-modelled:3A090",)),
    case("china-3a090-2022-10-20-cannot-flip", "2022-10-20", "CN", (("3A090.a", 10),),
         "not-subject", 0.0, "at most 10/100 = 10% <= 25%", AC22, high=0.10,
         issue="eccn-not-on-date"),
    case("china-3a090-2022-10-21-rs", "2022-10-21", "CN", (("3A090.a", 30),), "subject", 0.30,
         "RS China: 30% > 25%", f"{D25}; {AC22}"),
    case("china-4a090-2022-10-20-not-on-ccl", "2022-10-20", "CN", (("4A090.a", 30),),
         "undetermined", 0.0, "0% or 30%", AC22, high=0.30, issue="eccn-not-on-date"),
    case("china-4a090-2022-10-21-rs", "2022-10-21", "CN", (("4A090.a", 30),), "subject", 0.30,
         "RS China: 30% > 25%", f"{D25}; {AC22}"),
    case("hong-kong-3a090-2022-10-21-as-china", "2022-10-21", "HK", (("3A090.b", 30),),
         "subject", 0.30, "Hong Kong is China: 30% > 25%", f"{D25}; {AC22}"),
    case("germany-3a090-2022-10-21-china-only", "2022-10-21", "DE", (("3A090.a", 30),),
         "not-subject", 0.0, "RS China only: 0% <= 25%", f"{D25}; {AC22}"),
    case("macau-3a090-2023-01-16-china-only", "2023-01-16", "MO", (("3A090.a", 30),),
         "not-subject", 0.0, "Macau not yet named: 0% <= 25%", f"{D25}; {AC22}"),
    case("macau-3a090-2023-01-17-added", "2023-01-17", "MO", (("3A090.a", 30),), "subject",
         0.30, "30% > 25%", f"{D25}; {MO23}"),
    case("macau-4a090b-2023-01-17-added", "2023-01-17", "MO", (("4A090.b", 30),), "subject",
         0.30, "30% > 25%", f"{D25}; {MO23}"),
    # ---- 2023-11-17: D:1/D:4/D:5 excluding A:5/A:6 [unsure]; the nine .z paragraphs
    case("saudi-3a090-2023-11-16-china-macau-only", "2023-11-16", "SA", (("3A090.a", 30),),
         "not-subject", 0.0, "0% <= 25%", f"{D25}; {MO23}"),
    case("saudi-3a090-2023-11-17-d4", "2023-11-17", "SA", (("3A090.a", 30),), "subject", 0.30,
         "Saudi Arabia is D:4, not A:5/A:6: 30% > 25%", f"{D25}; {ACS23}",
         limits=("unsure:3A090",)),
    case("israel-3a090-2023-11-17-a6-excluded", "2023-11-17", "IL", (("3A090.a", 30),),
         "not-subject", 0.0, "D:4 but also A:6: 0% <= 25%", f"{D25}; {ACS23}"),
    case("germany-3a090-2023-11-17-not-d", "2023-11-17", "DE", (("3A090.a", 30),),
         "not-subject", 0.0, "0% <= 25%", f"{D25}; {ACS23}"),
    case("vietnam-3a090-2023-11-16-china-macau-only", "2023-11-16", "VN", (("3A090.a", 30),),
         "not-subject", 0.0, "0% <= 25%", f"{D25}; {MO23}"),
    case("vietnam-3a090-2023-11-17-d1", "2023-11-17", "VN", (("3A090.a", 30),), "subject", 0.30,
         "Vietnam is D:1, not A:5/A:6: 30% > 25%", f"{D25}; {ACS23}", limits=("unsure:3A090",)),
    case("uae-3a090-2023-11-17-d4", "2023-11-17", "AE", (("3A090.a", 30),), "subject", 0.30,
         "the UAE was in D:4 and not in A:5/A:6 in 2023: 30% > 25%", f"{D25}; {ACS23}"),
    case("china-5a992z-2023-11-16-not-on-ccl", "2023-11-16", "CN", (("5A992.z.1", 30),),
         "undetermined", 0.0, "0% or 30%", ACS23, high=0.30, issue="eccn-not-on-date",
         limits=("not-modelled:5A992.z",)),
    case("china-5a992z-2023-11-17-rs", "2023-11-17", "CN", (("5A992.z.1", 30),), "subject",
         0.30, "30% > 25%", f"{D25}; {ACS23}", limits=("unsure:5A992",)),
    case("china-5a992c-2023-11-17-still-at-only", "2023-11-17", "CN", (("5A992.c", 30),),
         "not-subject", 0.0, "mass market 5A992.c: AT only, 0%", f"{D25}; {ACS23}"),
    case("china-3a001z-2023-11-16-not-on-ccl", "2023-11-16", "CN", (("3A001.z.1.a", 30),),
         "undetermined", 0.0, "0% or 30%", ACS23, high=0.30, issue="eccn-not-on-date"),
    case("saudi-3a001z-2023-11-17-rs", "2023-11-17", "SA", (("3A001.z.1.a", 30),), "subject",
         0.30, "30% > 25%", f"{D25}; {ACS23}", limits=("unsure:3A001",)),
    case("saudi-3b001c2-2023-11-16-ns2-entire-entry", "2023-11-16", "SA", (("3B001.c.2", 30),),
         "subject", 0.30, "NS 2 marked for Saudi Arabia: 30% > 25%",
         f"{D25}; {NS2}; SME rule 88 FR 73424 (eff. 2023-11-17) not yet in force"),
    case("germany-3b001c2-2023-11-16-ns2-not-marked", "2023-11-16", "DE", (("3B001.c.2", 30),),
         "not-subject", 0.0, "no NS 2 mark for Germany: 0% <= 25%", f"{D25}; {NS2}"),
    # ---- 2024-09-06: new ECCNs with worldwide NS/RS rows; 3B001.c.1.a worldwide
    case("china-3a901-2024-09-05-not-on-ccl", "2024-09-05", "CN", (("3A901", 30),),
         "undetermined", 0.0, "0% or 30%", IEC24, high=0.30, issue="eccn-not-on-date"),
    case("china-3a901-2024-09-06-worldwide", "2024-09-06", "CN", (("3A901", 30),), "subject",
         0.30, "worldwide NS/RS: 30% > 25%", f"{D25}; {IEC24}"),
    case("china-3a901-2024-09-06-limits-name-unsure-date", "2024-09-06", "CN", (("3A901", 30),),
         "subject", 0.30, "as above", f"{D25}; {IEC24}", limits=("unsure:3A901",)),
    case("germany-3b001c1a-2024-09-05-ns2-only", "2024-09-05", "DE", (("3B001.c.1.a", 30),),
         "not-subject", 0.0, "RS Macau/D:5 only; NS 2 not marked for DE: 0% <= 25%",
         f"{D25}; {NS2}; 88 FR 73424 (eff. 2023-11-17); {IEC24}",
         limits=("unsure:3B001",)),
    case("germany-3b001c1a-2024-09-06-worldwide", "2024-09-06", "DE", (("3B001.c.1.a", 30),),
         "subject", 0.30, "worldwide NS/RS: 30% > 25%", f"{D25}; {IEC24}"),
    case("china-3b001c1a-2024-09-05-d5", "2024-09-05", "CN", (("3B001.c.1.a", 30),), "subject",
         0.30, "NS 2 and RS D:5 reach China: 30% > 25%", f"{D25}; {NS2}"),
    # ---- 2024-12-02: 3A090.c (HBM); 734.4(a)(8) and (a)(9)
    case("china-3a090c-2024-12-01-not-on-ccl", "2024-12-01", "CN", (("3A090.c", 30),),
         "undetermined", 0.0, "0% or 30%", FDP24, high=0.30, issue="eccn-not-on-date",
         limits=("not-modelled:3A090.c",)),
    case("china-3a090c-2024-12-02-rs", "2024-12-02", "CN", (("3A090.c", 30),), "subject", 0.30,
         "RS Macau/D:5: 30% > 25%", f"{D25}; {FDP24}"),
    case("germany-3a090c-2024-12-02-out-of-scope", "2024-12-02", "DE", (("3A090.c", 30),),
         "not-subject", 0.0, "Macau/D:5 only: 0% <= 25%", f"{D25}; {FDP24}"),
    case("china-sme-a8-2024-12-01-ratio", "2024-12-01", "CN", (("3A991.a", 5),), "not-subject",
         0.0, "3A991 AT only: 0% <= 25%", D25, item="3B001.c"),
    case("china-sme-a8-2024-12-02-zero", "2024-12-02", "CN", (("3A991.a", 5),), "subject", 0.0,
         "SME item with a US-origin IC to D:5: no de minimis level", A8, item="3B001.c",
         basis="zero-de-minimis"),
    case("china-sme-a8-2024-12-02-limits-name-unsure", "2024-12-02", "CN", (("3A991.a", 5),),
         "subject", 0.0, "as above", A8, item="3B001.c", basis="zero-de-minimis",
         limits=("unsure:734.4(a)(8)",)),
    case("macau-sme-a8-2024-12-02-zero", "2024-12-02", "MO", (("3A991.a", 5),), "subject", 0.0,
         "Macau named in (a)(8)", A8, item="3B001.c", basis="zero-de-minimis"),
    case("germany-sme-a8-2024-12-02-not-d5", "2024-12-02", "DE", (("3A991.a", 5),),
         "not-subject", 0.0, "(a)(8) is Macau/D:5 only; 3A991 not counted: 0%", A8,
         item="3B001.c"),
    case("china-a9-2024-12-01-before", "2024-12-01", "CN", (("3A991.a", 5),), "not-subject", 0.0,
         "no (a)(9) yet: 0% <= 25%", D25, item="3B991"),
    case("china-a9-2024-12-02-possible", "2024-12-02", "CN", (("3A991.a", 5),), "undetermined",
         0.0, "(a)(9) depends on a footnote-5 party or advanced-node facility not screened",
         A9, item="3B991"),
    # ---- 2025-01-13: the '.a' rows worldwide, with the compliance / non-enforcement note
    case("germany-3a090-2025-01-12-not-d", "2025-01-12", "DE", (("3A090.a", 30),),
         "not-subject", 0.0, "0% <= 25%", f"{D25}; {ACS23}"),
    case("germany-3a090-2025-01-13-worldwide", "2025-01-13", "DE", (("3A090.a", 30),),
         "subject", 0.30, "worldwide: 30% > 25%", f"{D25}; {AID25}",
         limits=("note:3A090.a",)),
    case("germany-4a090-2025-01-13-worldwide", "2025-01-13", "DE", (("4A090.a", 30),),
         "subject", 0.30, "worldwide: 30% > 25%", f"{D25}; {AID25}",
         limits=("note:4A090.a",)),
    case("germany-3a090b-2025-01-13-not-worldwide", "2025-01-13", "DE", (("3A090.b", 30),),
         "not-subject", 0.0, ".b keeps the D:1/D:4/D:5 scope: 0% <= 25%", f"{D25}; {AID25}"),
    case("germany-3a090b-2025-01-13-names-no-a-note", "2025-01-13", "DE", (("3A090.b", 30),),
         "not-subject", 0.0, "0%", f"{D25}; {AID25}", absent=("note:3A090.a",)),
    case("uae-3a090b-2026-07-23-named", "2026-07-23", "AE", (("3A090.b", 30),), "subject", 0.30,
         "the .b row names the UAE: 30% > 25%",
         f"{D25}; 742.6(a)(6)(iii)(B); 3A090 '.b' RS row of the 2026-07-23 eCFR: 'To or within "
         "the United Arab Emirates or destinations specified in Country Groups D:1, D:4, and "
         "D:5 ..., excluding any destination also specified in Country Groups A:5 or A:6'"),
    case("germany-5a992z1-2025-01-13-worldwide", "2025-01-13", "DE", (("5A992.z.1", 30),),
         "subject", 0.30, "worldwide: 30% > 25%", f"{D25}; {AID25}",
         limits=("note:5A992",)),
    case("germany-3a001z-2025-01-12-not-d", "2025-01-12", "DE", (("3A001.z.1.a", 30),),
         "not-subject", 0.0, "0% <= 25%", f"{D25}; {ACS23}", limits=("unsure:3A001",)),
]


@pytest.mark.parametrize("c", CASES)
def test_dated_case(c: Case) -> None:
    check(c)
