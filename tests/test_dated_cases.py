"""Dated de minimis cases, 2015 to 2021: Cuba's thresholds, the Huawei dates (Entity List,
FDP rules: no change to the de minimis numerator), the .y RS rows, Sudan, Hong Kong.

Each case: a small BOM (tests/datedcase.py: product P sold for 100, US-origin parts U1..Un
with an ECCN and a cost, a controlled Taiwanese part and a Japanese EAR99 filler that never
count), a date, a destination, the verdict and ratio worked out by hand from the regulation
(``calc``) and its legal basis (``law``). 2022 onwards: tests/test_dated_cases_2022.py.
Thresholds are inclusive: subject only when the ratio EXCEEDS 10% / 25% (734.4(c), (d)).
"""

from __future__ import annotations

import pytest
from datedcase import Case, case, check

HUAWEI = "Huawei Technologies Co., Ltd."
D25 = "15 CFR 734.4(d) (25%)"
C10 = "15 CFR 734.4(c) (10%, Country Group E:1/E:2)"
SUPP2 = (
    "15 CFR 734 Supp. No. 2 (a)(1) (content needing a licence to the destination; "
    "Part 744 not counted)"
)
EL19 = "Huawei on the Entity List, 84 FR 22961, eff. 2019-05-16"
FDP_MAY = "Huawei FDP rule 736.2(b)(3)(vi), 85 FR 29849, eff. 2020-05-15"
FDP_AUG = "Huawei FDP rule expanded, 85 FR 51596, eff. 2020-08-17"
CU15 = "Cuba removed from E:1 (SST rescission), BIS rule eff. 2015-07-22; 746.2 (all items)"
CU19 = "734.4(c) extended to E:2 by the Cuba rule 84 FR 56117, eff. 2019-10-21; 746.2 (all items)"
Y20 = (
    "742.6(a)(7) RS on .y items to China, Russia, Venezuela, 85 FR 23459 "
    "(FR Doc 2020-07241), eff. 2020-06-29"
)
ZERO_Y = "15 CFR 734.4(a)(6)(ii): no de minimis level for .y content to China, E:1, E:2"
SD21 = (
    "Sudan out of E:1, into B, 742.10 AT controls removed: 86 FR 4929 "
    "(FR Doc 2020-29037), eff. 2021-01-14"
)
HK20 = "Hong Kong treated as China: FR Doc 2020-28101, eff. 2020-12-23"

CASES = [
    # ---- 2019-05-16 / 2020-05-15 / 2020-08-17: Huawei listings change Part 744, not the numerator
    case("huawei-2019-05-15-ns2-subject", "2019-05-15", "CN", (("3A001.a.7", 30),), "subject",
         0.30, "30/100 = 30% > 25% (NS 2 marked for China)", f"{D25}; {SUPP2}", end_user=HUAWEI),
    case("huawei-2019-05-16-listed-ns2-subject", "2019-05-16", "CN", (("3A001.a.7", 30),),
         "subject", 0.30, "30/100 = 30% > 25%", f"{D25}; {SUPP2}; {EL19}", end_user=HUAWEI),
    case("huawei-2019-05-16-listed-at-only-not-counted", "2019-05-16", "CN", (("3A991", 30),),
         "not-subject", 0.0, "3A991 is AT 1 only, no AT mark for China: 0/100 = 0% <= 25%",
         f"{D25}; {SUPP2}; {EL19}", end_user=HUAWEI),
    case("huawei-2020-05-14-mass-market", "2020-05-14", "CN", (("5A992.c", 40),), "not-subject",
         0.0, "5A992.c is AT only: 0% <= 25%", f"{D25}; {SUPP2}", end_user=HUAWEI),
    case("huawei-fdp-2020-05-15-mass-market", "2020-05-15", "CN", (("5A992.c", 40),),
         "not-subject", 0.0, "FDP rules do not enter the ratio: 0% <= 25%",
         f"{D25}; {SUPP2}; {FDP_MAY}", end_user=HUAWEI),
    case("huawei-fdp-2020-05-15-two-parts", "2020-05-15", "CN",
         (("3A001.a.7", 26), ("5A992.c", 20)), "subject", 0.26,
         "3A001.a.7 26 counts, 5A992.c 20 does not: 26/100 = 26% > 25%",
         f"{D25}; {SUPP2}; {FDP_MAY}", end_user=HUAWEI),
    case("huawei-2020-08-16-exactly-25", "2020-08-16", "CN", (("3A001.a.7", 25),), "not-subject",
         0.25, "25/100 = 25%: not more than 25%", f"{D25}; {SUPP2}", end_user=HUAWEI),
    case("huawei-fdp-2020-08-17-just-above-25", "2020-08-17", "CN", (("3A001.a.7", 25.01),),
         "subject", 0.2501, "25.01/100 = 25.01% > 25%", f"{D25}; {SUPP2}; {FDP_AUG}",
         end_user=HUAWEI),
    case("huawei-fdp-2020-08-17-at-only", "2020-08-17", "CN", (("3A991", 40), ("4A994", 20)),
         "not-subject", 0.0, "3A991 and 4A994 are AT only: 0% <= 25%",
         f"{D25}; {SUPP2}; {FDP_AUG}", end_user=HUAWEI),
    # ---- Cuba: 10% while in E:1 (to 2015-07-21), 25% as E:2 only, 10% again from 2019-10-21
    case("cuba-2015-07-21-e1-10pct", "2015-07-21", "CU", (("EAR99", 15),), "subject", 0.15,
         "EAR99 counts (746.2): 15/100 = 15% > 10%", f"{C10}; {CU15}"),
    case("cuba-2015-07-22-e2-25pct", "2015-07-22", "CU", (("EAR99", 15),), "not-subject", 0.15,
         "15/100 = 15% <= 25% (E:2 had the 25% level)", f"{D25}; {CU15}"),
    case("cuba-2019-10-20-25pct", "2019-10-20", "CU", (("EAR99", 15),), "not-subject", 0.15,
         "15/100 = 15% <= 25%", f"{D25}; {CU19}"),
    case("cuba-2019-10-20-above-25", "2019-10-20", "CU", (("EAR99", 26),), "subject", 0.26,
         "26/100 = 26% > 25%", f"{D25}; {CU19}"),
    case("cuba-2019-10-21-10pct", "2019-10-21", "CU", (("EAR99", 15),), "subject", 0.15,
         "15/100 = 15% > 10%", f"{C10}; {CU19}"),
    case("cuba-2019-10-21-exactly-10", "2019-10-21", "CU", (("EAR99", 10),), "not-subject", 0.10,
         "10/100 = 10%: not more than 10%", f"{C10}; {CU19}"),
    case("cuba-2019-10-21-two-parts", "2019-10-21", "CU", (("3A991", 5), ("EAR99", 6)),
         "subject", 0.11, "5 + 6 = 11/100 = 11% > 10% (every item counts to Cuba)",
         f"{C10}; {CU19}"),
    # ---- the change logs start on 2019-01-01: the day before is named as not modelled
    case("history-2018-12-31-named", "2018-12-31", "CN", (("3A001.a.7", 30),), "subject", 0.30,
         "30/100 = 30% > 25%", f"{D25}; Country Chart (738 Supp. 1) China NS 2",
         limits=("not-modelled:history before 2019",)),
    case("history-2019-01-01-logged", "2019-01-01", "CN", (("3A001.a.7", 30),), "subject", 0.30,
         "30/100 = 30% > 25%", f"{D25}; Country Chart (738 Supp. 1) China NS 2",
         absent=("not-modelled:history before 2019",)),
    # ---- Iran, North Korea, Syria, Crimea (Part 746; not dated in the range)
    case("iran-2019-05-16-ear99-not-counted", "2019-05-16", "IR", (("EAR99", 30),),
         "not-subject", 0.0, "EAR99 to Iran is OFAC's (31 CFR 560.420), not BIS's: 0% <= 10%",
         f"{C10}; 15 CFR 746.7 (CCL items only)"),
    case("iran-2019-05-16-at-only-counts", "2019-05-16", "IR", (("3A991", 11),), "subject", 0.11,
         "every CCL item counts: 11/100 = 11% > 10%", f"{C10}; 15 CFR 746.7"),
    case("north-korea-2020-08-17-ear99", "2020-08-17", "KP", (("EAR99", 11),), "subject", 0.11,
         "EAR99 counts: 11/100 = 11% > 10%", f"{C10}; 15 CFR 746.4"),
    case("syria-2021-01-14-exactly-10", "2021-01-14", "SY", (("EAR99", 10),), "not-subject", 0.10,
         "10/100 = 10%: not more than 10%", f"{C10}; 15 CFR 746.9"),
    case("crimea-2019-05-16-ear99-unsure-date", "2019-05-16", "UA-43", (("EAR99", 30),),
         "subject", 0.30, "EAR99 counts: 30/100 = 30% > 25%",
         f"{D25}; 15 CFR 746.6(a)(1) (EO 13685 rule, eff. 2015-01-29, date unsure)",
         limits=("unsure:Part 746 (UA-43)",)),
    # ---- 2020-06-29: RS on .y items to China, Russia, Venezuela
    case("venezuela-y-2020-06-28-at-only", "2020-06-28", "VE", (("9A610.y.1", 30),),
         "not-subject", 0.0, ".y was AT only, no AT mark for VE: 0% <= 25%", f"{D25}; {Y20}",
         limits=("unsure:9A610.y",)),
    case("venezuela-y-2020-06-29-rs", "2020-06-29", "VE", (("9A610.y.1", 30),), "subject", 0.30,
         "RS counts: 30/100 = 30% > 25% (.y not in 734.4(a)(6) for VE)", f"{D25}; {Y20}"),
    case("venezuela-y-2020-06-29-below", "2020-06-29", "VE", (("9A610.y.1", 20),),
         "not-subject", 0.20, "20/100 = 20% <= 25%", f"{D25}; {Y20}"),
    case("venezuela-y-2020-06-29-limits-name-unsure-start", "2020-06-29", "VE",
         (("9A610.y.1", 30),), "subject", 0.30, "30/100 = 30% > 25%", f"{D25}; {Y20}",
         limits=("unsure:9A610.y",)),
    case("russia-y-2020-06-28-at-only", "2020-06-28", "RU", (("9A515.y.1", 30),),
         "not-subject", 0.0, ".y AT only before the rule: 0% <= 25%", f"{D25}; {Y20}",
         limits=("unsure:9A515.y",)),
    case("russia-y-2020-06-29-rs", "2020-06-29", "RU", (("9A515.y.1", 30),), "subject", 0.30,
         "RS counts: 30/100 = 30% > 25%", f"{D25}; {Y20}"),
    case("india-y-2020-06-29-out-of-scope", "2020-06-29", "IN", (("9A610.y.1", 30),),
         "not-subject", 0.0, "RS .y reaches CN/RU/VE only: 0% <= 25%", f"{D25}; {Y20}"),
    case("china-y-2020-06-28-zero-de-minimis", "2020-06-28", "CN", (("9A610.y.1", 1),),
         "subject", 0.0, "not yet RS-controlled (ratio 0%), but 734.4(a)(6)(ii) has no level",
         f"{ZERO_Y} (600 series rule 78 FR 22660, eff. 2013-10-15)", basis="zero-de-minimis"),
    case("china-y-2020-06-29-zero-de-minimis", "2020-06-29", "CN", (("3A611.y.1", 1),),
         "subject", 0.01, "RS-controlled: 1/100 = 1%, and no de minimis level",
         f"{ZERO_Y}; {Y20}", basis="zero-de-minimis"),
    # ---- 2021-01-14: Sudan leaves E:1 (10% -> 25%) and loses the AT 1 mark [unsure]
    case("sudan-2021-01-13-at1-counts", "2021-01-13", "SD", (("3A991", 15),), "subject", 0.15,
         "AT 1 marked (742.10): 15/100 = 15% > 10%", f"{C10}; 15 CFR 742.10; {SD21}",
         limits=("not-modelled:Sudan: content not counted",),
         absent=("unsure:Country Chart row SD",)),
    case("sudan-2021-01-14-at1-gone", "2021-01-14", "SD", (("3A991", 15),), "not-subject", 0.0,
         "no AT mark: 0/100 = 0% <= 25%", f"{D25}; {SD21}",
         absent=("unsure:Country Chart row SD",)),
    case("sudan-2021-01-13-ns2-10pct", "2021-01-13", "SD", (("3A001.a.7", 15),), "subject", 0.15,
         "NS 2 marked: 15/100 = 15% > 10%", f"{C10}; {SD21}"),
    case("sudan-2021-01-13-exactly-10", "2021-01-13", "SD", (("3A001.a.7", 10),), "not-subject",
         0.10, "10/100 = 10%: not more than 10%", f"{C10}; {SD21}"),
    case("sudan-2021-01-14-ns2-25pct", "2021-01-14", "SD", (("3A001.a.7", 15),), "not-subject",
         0.15, "15/100 = 15% <= 25% (Country Group B)", f"{D25}; {SD21}"),
    case("sudan-2021-01-14-above-25", "2021-01-14", "SD", (("3A001.a.7", 26), ("3A991", 20)),
         "subject", 0.26, "3A001.a.7 26 counts, 3A991 20 no longer does: 26% > 25%",
         f"{D25}; {SD21}"),
    case("sudan-2021-01-13-ear99-no-embargo", "2021-01-13", "SD", (("EAR99", 30),),
         "not-subject", 0.0, "no Part 746 embargo on Sudan: EAR99 not counted, 0% <= 10%",
         f"{C10}; {SD21}"),
    # ---- 2020-12-23: Hong Kong treated as China
    case("hong-kong-2020-12-22-own-row-not-in-data", "2020-12-22", "HK", (("EAR99", 30),),
         "refused", None, "HK's own 2020 chart row is not in the data: no verdict", HK20),
    case("hong-kong-2020-12-23-y-zero", "2020-12-23", "HK", (("9A515.y.1", 1),), "subject", 0.01,
         "China's rules: .y RS counted (1%) and no de minimis level", f"{ZERO_Y}; {HK20}",
         basis="zero-de-minimis"),
    case("hong-kong-2020-12-23-ns2", "2020-12-23", "HK", (("3A001.a.7", 30),), "subject", 0.30,
         "China's row, NS 2: 30/100 = 30% > 25%", f"{D25}; {HK20}"),
    case("hong-kong-2020-12-23-mass-market", "2020-12-23", "HK", (("5A992.c", 40),),
         "not-subject", 0.0, "AT only, no AT mark for China: 0% <= 25%", f"{D25}; {HK20}"),
]


@pytest.mark.parametrize("c", CASES)
def test_dated_case(c: Case) -> None:
    check(c)
