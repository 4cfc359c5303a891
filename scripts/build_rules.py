#!/usr/bin/env python3
"""Build bomtrace's packaged ruleset data from the regulatory reference snapshot.

Reads ``country-chart.json``, ``country-groups.json`` and ``ccl.json`` from ``--reference``
(default ``../shared/reference`` beside the repository) and writes compact, sorted, deterministic
``countries.json``, ``country_chart.json``, ``country_groups.json`` and ``ccl.json`` into
``--out`` (default ``bomtrace/rules/data``). bomtrace never reads the reference folder at run
time; the hand-written ``changes.toml`` and ``scenarios.toml`` there are not touched. The script
fails loudly when the source changes shape (a name without an ISO code, an unknown column, ...).

Usage: ``python scripts/build_rules.py [--reference DIR] [--out DIR]``
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
ISSUE_DATE = "2026-07-23"
ECFR_URL = "https://www.ecfr.gov/api/versioner/v1/full/{date}/title-15.xml?part={part}"
NOTE = (
    "Facts transcribed from eCFR XML by a third party (GitHub repository "
    "seelpeed-debug/export-controls-agent-mcp, commit 5847b092f2a44117b2e18d06a8c6aa3e16106250, "
    "MIT licence) and not re-checked against the live eCFR."
)


class BuildError(Exception):
    """The reference data does not have the shape this script expects."""


# ISO 3166-1 alpha-2, alpha-3 and the name as the Country Chart spells it ("US" as the Country
# Groups spell it; "HK" and "KY" have no row of their own), "=display name" where the row name
# reads badly. "XK" (Kosovo) is the user-assigned code in general use; ISO assigned none.
_ISO = """
AF AFG Afghanistan; AL ALB Albania; DZ DZA Algeria; AD AND Andorra; AO AGO Angola
AG ATG Antigua and Barbuda; AR ARG Argentina; AM ARM Armenia; AW ABW Aruba; AU AUS Australia
AT AUT Austria; AZ AZE Azerbaijan; BS BHS Bahamas, The=Bahamas; BH BHR Bahrain; BD BGD Bangladesh
BB BRB Barbados; BY BLR Belarus; BE BEL Belgium; BZ BLZ Belize; BJ BEN Benin; BT BTN Bhutan
BO BOL Bolivia; BA BIH Bosnia and Herzegovina; BW BWA Botswana; BR BRA Brazil; BN BRN Brunei
BG BGR Bulgaria; BF BFA Burkina Faso; MM MMR Burma; BI BDI Burundi; KH KHM Cambodia
CM CMR Cameroon; CA CAN Canada; CV CPV Cape Verde; CF CAF Central African Republic; TD TCD Chad
CL CHL Chile; CN CHN China; CO COL Colombia; KM COM Comoros
CD COD Congo (Democratic Republic of the)=Congo (Democratic Republic)
CG COG Congo (Republic of the)=Congo (Republic); CR CRI Costa Rica; CI CIV Cote d'Ivoire
HR HRV Croatia; CU CUB Cuba; CW CUW Curaçao; CY CYP Cyprus; CZ CZE Czech Republic; DK DNK Denmark
DJ DJI Djibouti; DM DMA Dominica; DO DOM Dominican Republic; EC ECU Ecuador; EG EGY Egypt
SV SLV El Salvador; GQ GNQ Equatorial Guinea; ER ERI Eritrea; EE EST Estonia; SZ SWZ Eswatini
ET ETH Ethiopia; FJ FJI Fiji; FI FIN Finland; FR FRA France; GA GAB Gabon
GM GMB Gambia, The=Gambia; GE GEO Georgia; DE DEU Germany; GH GHA Ghana; GR GRC Greece
GD GRD Grenada; GT GTM Guatemala; GN GIN Guinea; GW GNB Guinea-Bissau; GY GUY Guyana; HT HTI Haiti
HN HND Honduras; HK HKG Hong Kong; HU HUN Hungary; IS ISL Iceland; IN IND India; ID IDN Indonesia
IR IRN Iran; IQ IRQ Iraq; IE IRL Ireland; IL ISR Israel; IT ITA Italy; JM JAM Jamaica; JP JPN Japan
JO JOR Jordan; KZ KAZ Kazakhstan; KE KEN Kenya; KI KIR Kiribati; KP PRK Korea, North=North Korea
KR KOR Korea, South=South Korea; XK XKX Kosovo; KW KWT Kuwait; KG KGZ Kyrgyzstan; LA LAO Laos
LV LVA Latvia; LB LBN Lebanon; LS LSO Lesotho; LR LBR Liberia; LY LBY Libya; LI LIE Liechtenstein
LT LTU Lithuania; LU LUX Luxembourg; MO MAC Macau; MG MDG Madagascar; MW MWI Malawi
MY MYS Malaysia; MV MDV Maldives; ML MLI Mali; MT MLT Malta; MH MHL Marshall Islands
MR MRT Mauritania; MU MUS Mauritius; MX MEX Mexico
FM FSM Micronesia (Federated State of)=Micronesia; MD MDA Moldova; MC MCO Monaco; MN MNG Mongolia
ME MNE Montenegro; MA MAR Morocco; MZ MOZ Mozambique; NA NAM Namibia; NR NRU Nauru; NP NPL Nepal
NL NLD Netherlands; NZ NZL New Zealand; NI NIC Nicaragua; NE NER Niger; NG NGA Nigeria
MK MKD North Macedonia; NO NOR Norway; OM OMN Oman; PK PAK Pakistan; PW PLW Palau; PA PAN Panama
PG PNG Papua New Guinea; PY PRY Paraguay; PE PER Peru; PH PHL Philippines; PL POL Poland
PT PRT Portugal; QA QAT Qatar; RO ROU Romania; RU RUS Russia; RW RWA Rwanda; WS WSM Samoa
SM SMR San Marino; ST STP Sao Tome and Principe; SA SAU Saudi Arabia; SN SEN Senegal; RS SRB Serbia
SC SYC Seycheles=Seychelles; SL SLE Sierra Leone; SG SGP Singapore
SX SXM Sint Maarten (the Dutch two-fifths of the island of Saint Martin)=Sint Maarten
SK SVK Slovakia; SI SVN Slovenia; SB SLB Solomon Islands; SO SOM Somalia; ZA ZAF South Africa
SS SSD South Sudan, Republic of=South Sudan; ES ESP Spain; LK LKA Sri Lanka
KN KNA St. Kitts and Nevis=Saint Kitts and Nevis; LC LCA St. Lucia=Saint Lucia
VC VCT St. Vincent and the Grenadines=Saint Vincent and the Grenadines; SD SDN Sudan
SR SUR Suriname; SE SWE Sweden; CH CHE Switzerland; SY SYR Syria; TW TWN Taiwan; TJ TJK Tajikistan
TZ TZA Tanzania; TH THA Thailand; TL TLS Timor-Leste; TG TGO Togo; TO TON Tonga
TT TTO Trinidad and Tobago; TN TUN Tunisia; TM TKM Turkmenistan; TV TUV Tuvalu; TR TUR Türkiye
UG UGA Uganda; UA UKR Ukraine; AE ARE United Arab Emirates; GB GBR United Kingdom
US USA United States; UY URY Uruguay; UZ UZB Uzbekistan; VU VUT Vanuatu; VA VAT Vatican City
VE VEN Venezuela; VN VNM Vietnam; EH ESH Western Sahara; YE YEM Yemen; ZM ZMB Zambia
ZW ZWE Zimbabwe; KY CYM Cayman Islands
"""
# Codes without a Country Chart row of their own (see changes.toml and "inherits").
_NOT_IN_CHART = {"US", "HK", "KY"}
# Names the Country Group tables spell differently from the chart (README "Oddities").
_GROUP_SPELLINGS = {
    "Bosnia & Herzegovina": "BA",
    "China (PRC)": "CN",
    "Congo (Democratic Republic of)": "CD",
    "Cote d'lvoire": "CI",
    "Micronesia, Federated States of": "FM",
    "Saint Kitts & Nevis": "KN",
    "Saint Lucia": "LC",
    "Saint Vincent and the Grenadines": "VC",
    "Sao Tome & Principe": "ST",
    "Seychelles": "SC",
    "The Bahamas": "BS",
    "Trinidad & Tobago": "TT",
}
# Hong Kong is treated as China only from 2020-12-23 (changes.toml): never a CN alias.
_DATED_ALIASES = {"hong kong", "hong kong sar", "hk"}
_EXTRA_ALIASES = {
    "US": ["united states of america", "u.s.", "u.s.a.", "us", "usa", "america"],
    "GB": ["great britain", "britain", "uk", "u.k.", "england", "scotland", "wales"],
    "CN": ["prc", "p.r.c.", "people's republic of china", "mainland china", "china (prc)"],
    "HK": ["hong kong sar", "hong kong sar china", "hong kong, china"],
    "TW": ["republic of china", "taiwan, province of china", "chinese taipei"],
    "KR": ["republic of korea", "korea, republic of", "korea (south)", "rok"],
    "KP": ["democratic people's republic of korea", "korea (north)", "dprk"],
    "IR": ["iran, islamic republic of", "islamic republic of iran"],
    "CZ": ["czechia"],
    "SY": ["syrian arab republic"],
    "LA": ["lao pdr", "lao people's democratic republic"],
    "RU": ["russian federation"],
    "MM": ["myanmar"],
    "VN": ["viet nam"],
    "MK": ["macedonia"],
    "TR": ["turkey", "turkiye"],
    "SZ": ["swaziland"],
    "CV": ["cabo verde"],
    "MO": ["macao"],
    "TL": ["east timor"],
    "MD": ["moldova, republic of"],
    "BN": ["brunei darussalam"],
    "TZ": ["tanzania, united republic of"],
    "NL": ["the netherlands", "holland"],
    "VA": ["holy see", "vatican"],
    "BO": ["bolivia (plurinational state of)"],
    "VE": ["venezuela (bolivarian republic of)"],
    "AE": ["uae", "u.a.e."],
    "DE": ["deutschland"],
    "CI": ["ivory coast", "côte d'ivoire"],
    "SX": ["sint maarten"],
    "CD": ["drc", "dr congo", "democratic republic of the congo"],
    "CG": ["republic of the congo", "congo-brazzaville"],
}

# Country names in Chinese (simplified, traditional), Japanese, Korean, Russian and the other
# languages BOMs are written in, for a country-of-origin column (issue 22); '|' between names.
_LOCAL_NAMES = {
    "US": (
        "美国|美國|米国|アメリカ|アメリカ合衆国|미국|미합중국|США|Соединённые Штаты|"
        "Соединенные Штаты Америки|Stati Uniti|Estados Unidos|EUA|"
        "États-Unis|Vereinigte Staaten"
    ),
    "CN": "中国|中國|中华人民共和国|中華人民共和國|中国大陆|中國大陸|중국|Китай|КНР|Cina|Chine",
    "JP": "日本|일본|Япония|Giappone|Japão|Japon|Japón",
    "TW": "台湾|台灣|臺灣|中国台湾|대만|Тайвань|Taïwan|Taiwán",
    "KR": (
        "韩国|韓国|韓國|南韩|南韓|大韩民国|大韓民国|大韓民國|한국|대한민국|남한|Южная Корея|"
        "Республика Корея|Corea del Sur|Corée du Sud|Coreia do Sul|"
        "Südkorea|Corea del Sud"
    ),
    "HK": "香港|홍콩|Гонконг",
    "MO": "澳门|澳門|マカオ|마카오|Макао",
    "DE": "德国|德國|ドイツ|독일|Германия|Germania|Alemanha|Alemania|Allemagne",
    "MY": "马来西亚|馬來西亞|マレーシア|말레이시아|Малайзия|Malaisie|Malasia|Malásia",
    "TH": "泰国|泰國|タイ|태국|Таиланд|Thaïlande|Tailandia|Tailândia|Thailandia",
    "VN": "越南|ベトナム|베트남|Вьетнам",
    "PH": "菲律宾|菲律賓|フィリピン|필리핀|Филиппины",
    "SG": "新加坡|シンガポール|싱가포르|Сингапур|Singapour|Singapur",
    "MX": "墨西哥|メキシコ|멕시코|Мексика|Mexique|Messico",
    "IN": "印度|インド|인도|Индия|Inde",
    "ID": "印度尼西亚|印度尼西亞|印尼|インドネシア|인도네시아|Индонезия|Indonésie",
    "GB": (
        "英国|英國|イギリス|영국|Великобритания|Англия|Royaume-Uni|Reino Unido|"
        "Regno Unito|Vereinigtes Königreich|Großbritannien"
    ),
    "FR": "法国|法國|フランス|프랑스|Франция|Frankreich|Francia|França",
    "IT": "意大利|義大利|イタリア|이탈리아|Италия|Italien|Italie|Italia",
    "CH": "瑞士|スイス|스위스|Швейцария|Schweiz|Suisse|Svizzera|Suiza|Suíça",
    "NL": (
        "荷兰|荷蘭|オランダ|네덜란드|Нидерланды|Голландия|Niederlande|Pays-Bas|"
        "Países Bajos|Paesi Bassi|Países Baixos"
    ),
    "BE": "比利时|比利時|ベルギー|벨기에|Бельгия|Belgien|Belgique|Bélgica|Belgio",
    "AT": "奥地利|奧地利|オーストリア|오스트리아|Австрия|Österreich|Autriche",
    "IL": "以色列|イスラエル|이스라엘|Израиль",
    "CZ": (
        "捷克|チェコ|체코|Чехия|Tschechien|République tchèque|Chequia|"
        "Repubblica Ceca|Tschechische Republik"
    ),
    "HU": "匈牙利|ハンガリー|헝가리|Венгрия|Ungarn|Hongrie|Hungría|Ungheria",
    "PL": "波兰|波蘭|ポーランド|폴란드|Польша|Polen|Pologne|Polonia|Polónia",
    "SE": "瑞典|スウェーデン|스웨덴|Швеция|Schweden|Suède|Suecia|Svezia",
    "FI": "芬兰|芬蘭|フィンランド|핀란드|Финляндия|Finnland|Finlande|Finlandia",
    "DK": "丹麦|丹麥|デンマーク|덴마크|Дания|Dänemark|Danemark|Dinamarca|Danimarca",
    "NO": "挪威|ノルウェー|노르웨이|Норвегия|Norwegen|Norvège|Noruega|Norvegia",
    "IE": "爱尔兰|愛爾蘭|アイルランド|아일랜드|Ирландия|Irland|Irlande|Irlanda",
    "ES": "西班牙|スペイン|스페인|Испания|Spanien|Espagne|España|Spagna|Espanha",
    "PT": "葡萄牙|ポルトガル|포르투갈|Португалия",
    "RU": "俄罗斯|俄羅斯|ロシア|러시아|Россия|РФ",
    "UA": "乌克兰|烏克蘭|ウクライナ|우크라이나|Украина",
    "BY": "白俄罗斯|白俄羅斯|ベラルーシ|벨라루스|Беларусь|Белоруссия",
    "CA": "加拿大|カナダ|캐나다|Канада",
    "BR": "巴西|ブラジル|브라질|Бразилия|Brésil|Brasilien",
    "AU": "澳大利亚|澳大利亞|澳洲|オーストラリア|호주|Австралия",
    "TR": "土耳其|トルコ|튀르키예|터키|Турция",
    "KH": "柬埔寨|カンボジア|캄보디아|Камбоджа",
}


# Regions the EAR treats as destinations of their own although they have no Country Chart row:
# the Crimea region and the so-called DNR and LNR regions of Ukraine (15 CFR 746.6, Country
# Chart footnote 9 on the Ukraine row). Codes are ISO 3166-2 subdivisions; licence requirements
# come from the Ukraine row plus the dated Part 746 entries in changes.toml.
_REGIONS = {
    "UA-43": (
        "Crimea region of Ukraine",
        "UA",
        [
            "crimea",
            "crimea region",
            "crimea region of ukraine",
            "autonomous republic of crimea",
            "sevastopol",
            "ua-40",
        ],
    ),
    "UA-14": (
        "so-called DNR region of Ukraine",
        "UA",
        ["dnr", "donetsk people's republic", "so-called donetsk people's republic"],
    ),
    "UA-09": (
        "so-called LNR region of Ukraine",
        "UA",
        ["lnr", "luhansk people's republic", "so-called luhansk people's republic"],
    ),
}
_REGION_BASIS = (
    "15 CFR 746.6 and Country Chart footnote 9 (Ukraine row): a region of Ukraine with its own "
    "Part 746 licence requirements; Country Chart marks and Country Groups are Ukraine's."
)


def _fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of a name (the alias key)."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().split())


def iso_table() -> dict[str, tuple[str, str, str]]:
    """Return ``{iso2: (iso3, row name, display name)}`` from the hard-coded table."""
    table: dict[str, tuple[str, str, str]] = {}
    for item in _ISO.replace("\n", ";").split(";"):
        if item.strip():
            code, iso3, name = item.strip().split(" ", 2)
            if code in table:
                raise BuildError(f"duplicate ISO code {code} in the script's table")
            row, _, display = name.partition("=")
            table[code] = (iso3, row, display or row)
    return table


def header(source: str, part: str) -> dict[str, str]:
    """Provenance header written at the top of every generated file."""
    return {
        "source": source,
        "source_url": ECFR_URL.format(date=ISSUE_DATE, part=part),
        "ecfr_issue_date": ISSUE_DATE,
        "generated_by": "scripts/build_rules.py",
        "note": NOTE,
    }


def build_countries(chart: dict[str, Any], groups: dict[str, Any]) -> dict[str, Any]:
    """Canonical country table; fails if any chart or group name has no ISO code."""
    table = iso_table()
    by_row = {name: code for code, (_, name, _) in table.items()}
    chart_names = sorted(set(chart["countries"]) | set(chart["embargoed"]))
    group_names = sorted({n for members in groups["groups"].values() for n in members})
    missing = [n for n in chart_names + group_names if n not in by_row | _GROUP_SPELLINGS]
    if missing:
        raise BuildError(f"no ISO code for: {missing}; add them to _ISO in {__file__}")
    unused = set(table) - {by_row[n] for n in chart_names} - _NOT_IN_CHART
    if unused:
        raise BuildError(f"ISO table rows not in the Country Chart: {sorted(unused)}")
    group_code = {n: _GROUP_SPELLINGS.get(n) or by_row[n] for n in group_names}
    out: dict[str, Any] = {}
    for code, (iso3, name, display) in sorted(table.items()):
        gname = sorted(n for n, c in group_code.items() if c == code)
        aliases = {_fold(name), iso3.lower(), _fold(display)}
        aliases |= {_fold(a) for a in [*gname, *_EXTRA_ALIASES.get(code, [])]}
        aliases |= {_fold(a) for a in _LOCAL_NAMES.get(code, "").split("|") if a}
        out[code] = {
            "name": display,
            "iso3": iso3,
            "chart_name": None if code in _NOT_IN_CHART else name,
            "groups_name": gname[0] if gname else None,
            "aliases": aliases,
        }
    for code, (name, parent, aliases) in _REGIONS.items():
        out[code] = {
            "name": name,
            "iso3": None,
            "chart_name": None,
            "groups_name": None,
            "region_of": parent,
            "aliases": {_fold(a) for a in aliases} | {_fold(name)},
        }
    for alias, row in [*chart["aliases"].items(), *groups["aliases"].items()]:
        code = by_row.get(row) or group_code.get(row)
        if code is None:
            raise BuildError(f"alias {alias!r} points at unknown row {row!r}")
        if _fold(alias) not in _DATED_ALIASES:
            out[code]["aliases"].add(_fold(alias))
    owner: dict[str, str] = {}
    for code, rec in out.items():
        rec["aliases"].discard(code.lower())
        for alias in rec["aliases"]:
            if owner.setdefault(alias, code) != code:
                raise BuildError(f"alias {alias!r} maps to both {owner[alias]} and {code}")
        rec["aliases"] = sorted(rec["aliases"])
    return {
        "header": header(
            "15 CFR Part 738, Supplement No. 1; 15 CFR Part 740, Supplement "
            "No. 1; ISO 3166-1 codes assigned in scripts/build_rules.py",
            "738",
        ),
        "countries": out,
    }


def build_chart(chart: dict[str, Any], countries: dict[str, Any]) -> dict[str, Any]:
    """Country Chart rows keyed by ISO code, plus footnotes, embargo pointers and inheritance."""
    columns = chart["columns"]
    if len(columns) != 16:
        raise BuildError(f"expected 16 Country Chart columns, got {columns}")
    code = {r["chart_name"]: c for c, r in countries["countries"].items() if r["chart_name"]}
    rows, notes, embargoed = {}, {}, {}
    for name, row in [*chart["countries"].items(), *chart["embargoed"].items()]:
        if set(row.get("marks", [])) - set(columns):
            raise BuildError(f"{name}: marks {row['marks']} are not all chart columns")
        if "pointer" in row:
            embargoed[code[name]] = row["pointer"]
        else:
            rows[code[name]] = sorted(row["marks"], key=columns.index)
        if row["footnotes"]:
            notes[code[name]] = sorted(row["footnotes"])
    inherits, basis = {}, {}
    for name, rec in chart["territoryInheritance"].items():
        if name == "hong kong":  # dated: see changes.toml
            continue
        child = next(c for c, r in countries["countries"].items() if _fold(r["name"]) == name)
        inherits[child], basis[child] = code[rec["row"]], rec["basis"]
    for code, (_, parent, _) in _REGIONS.items():
        inherits[code], basis[code] = parent, _REGION_BASIS
    return {
        "header": header("15 CFR Part 738, Supplement No. 1 (Commerce Country Chart)", "738"),
        "columns": columns,
        "column_labels": chart["columnLabels"],
        "rows": rows,
        "footnotes": notes,
        "footnote_text": chart["footnotes"],
        "embargoed": embargoed,
        "inherits": inherits,
        "inherits_basis": basis,
        "oddities": [
            "Footnote 8 (Pakistan only) has the text of footnote 9 (Crimea/DNR/LNR, "
            "Ukraine): probably a slip in the source transcription; not corrected."
        ],
    }


def build_groups(groups: dict[str, Any], countries: dict[str, Any]) -> dict[str, Any]:
    """Country Group membership lists keyed by group id, members as ISO codes."""
    code = {r["chart_name"]: c for c, r in countries["countries"].items() if r["chart_name"]}
    code |= _GROUP_SPELLINGS | {"United States": "US"}
    out = {gid: sorted(code[n] for n in members) for gid, members in groups["groups"].items()}
    if {"E:1", "E:2", "D:5"} - set(out):
        raise BuildError(f"Country Groups missing from the reference data: {sorted(out)}")
    return {
        "header": header("15 CFR Part 740, Supplement No. 1 (Country Groups)", "740"),
        "groups": out,
        "labels": groups["labels"],
        "notes": groups["notes"],
    }


_REASON = r"(?:CB|NP|NS|MT|RS|FC|CC|AT)"
_REASON_ANY = r"(?:CB|NP|NS|MT|RS|FC|CC|AT|UN|EI|SL|CW|SS|SI)"
_COLUMN_RE = re.compile(rf"\b({_REASON})\s+Column\s+([123])")
_BARE_COLUMN_RE = re.compile(r"^\s*Column\s+([123])\b")
_CODE_RE = re.compile(r"^([A-Z]{2,3})\b")
_PARA = r"(?<![a-z])[a-z](?![a-z])(?:\.[a-z0-9]+)*"
_REF = rf"(?:\d[A-E]\d{{3}})?\s?\.?\s?{_PARA}"
_EXCEPT_RE = re.compile(rf"^,?\s*except:?\s*({_REF}(?:\s*(?:,\s*and|,|and)\s*{_REF})*)\.?$")

# Three headings swallowed the next entry (README "Oddities"): the parser's heading match ran
# past the unclosed <B> of 3E001/0D606/2B351 into the following entry's heading. So the heading
# text holds the entry's own licence table (re-parsed below; row counts checked against a
# reading of the text), while the parsed table, reasons and flags came from the body of the
# swallowed entry, which is therefore restored from them.
_MERGED = {"3E001": ("3E002", 8), "0D606": ("0D614", 5), "2B351": ("2B352", 2)}
_TABLE_RE = re.compile(
    r"Reason for Control: (.+?) Control\(s\) Country [Cc]hart \(see Supp\. "
    r"No\. 1 to part 738\) (.+?) (?:License Requirements Note|List Based)"
)
_CHART_START = re.compile(rf"\s(?={_REASON} Column \d|To or within|Worldwide|China, Russia|See §)")


def _table_from_heading(eccn: str, heading: str, expected: int) -> tuple[str, list[dict]]:
    """Re-read the licence table that a merged heading swallowed: (reasons, rows)."""
    m = _TABLE_RE.search(heading)
    if not m:
        raise BuildError(f"{eccn}: no licence table in the merged heading text")
    rows = []
    for part in re.split(rf"\s(?={_REASON_ANY} applies to)", m.group(2)):
        pieces = _CHART_START.split(part, maxsplit=1)
        rows.append({"control": pieces[0], "countryChart": pieces[1] if len(pieces) > 1 else ""})
    if len(rows) != expected or not all(r["countryChart"] for r in rows):
        raise BuildError(f"{eccn}: read {len(rows)} licence rows from the heading, not {expected}")
    return m.group(1), rows


def _shorten(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _scope(eccn: str, control: str) -> tuple[str, list[str]]:
    """Return ("entire" | "partial", except-paragraphs) for one control text."""
    if "entire entry" not in control:
        return "partial", []
    rest = _COLUMN_RE.sub("", control.split("entire entry", 1)[1]).strip()
    if rest in ("", ".") or rest.startswith("(refer to"):
        return "entire", []
    m = _EXCEPT_RE.match(rest)
    if not m:
        return "partial", []
    refs = re.findall(rf"(\d[A-E]\d{{3}})?\s?\.?\s?({_PARA})", m.group(1))
    if any(entry and entry != eccn for entry, _ in refs):
        return "partial", []
    return "entire", [para for _, para in refs]


_PARA_TOKEN = r"[a-z](?![a-z])(?:\.[a-z0-9]+)*(?![a-z0-9])"
_CHAIN_SEP = r"\s*(?:,\s*and|,\s*or|,|and|or|to|through)\s*\.?\s?"
_EXCEPT_PAREN = r"\s*\(except\s+\.?([^)]*)\)"
_CONDITION = re.compile(
    r"\b(when|if|that|which|unless|being|except those|except for|for use|having|regardless)\b"
)
_FILLER = re.compile(
    r"“|”|\b(items?|controlled|by|paragraphs?|of|this|entry|only|in|and|or|to|the|commodities|"
    r"also|applies|as|described|specified)\b|[\s,.;()]"
)


def _expand(lo: str, hi: str) -> list[str]:
    """Expand a paragraph range ``a.1 to a.3`` / ``g to j`` (same prefix, last part varies)."""
    a, b = lo.split("."), hi.split(".")
    if len(a) != len(b) or a[:-1] != b[:-1]:
        return [lo, hi]
    x, y = a[-1], b[-1]
    if x.isdigit() and y.isdigit() and int(x) <= int(y):
        steps = [str(i) for i in range(int(x), int(y) + 1)]
    elif len(x) == len(y) == 1 and x.isalpha() and y.isalpha() and x <= y:
        steps = [chr(c) for c in range(ord(x), ord(y) + 1)]
    else:
        return [lo, hi]
    return [".".join([*a[:-1], step]) for step in steps]


def parse_paragraphs(eccn: str, text: str) -> tuple[list[str], list[str], str | None]:
    """Paragraphs of ``eccn`` a partial control names: (paragraphs, exceptions, condition).

    Only references to the entry itself count (``3A001.b.2``, ``.c``, ``a.1 to a.3``); text
    that narrows the control further (a description, "when usable in missiles") is returned
    as the condition, which bomtrace does not evaluate. No paragraph found: ([], [], text).
    """
    body = text.split("applies to", 1)[1] if "applies to" in text else text
    anchor = re.compile(rf"{re.escape(eccn)}\s?\.\s?({_PARA_TOKEN})")
    bare_start = re.compile(rf"^\s*(?:paragraphs?\s+)?\.({_PARA_TOKEN})")
    chain = re.compile(rf"{_CHAIN_SEP}({_PARA_TOKEN})")
    paras: list[str] = []
    excepts: list[str] = []
    leftover = []
    for clause in re.split(r";|\.\s+(?=[A-Z])", body):
        cut = _CONDITION.search(clause)
        head, tail = (clause[: cut.start()], clause[cut.start() :]) if cut else (clause, "")
        pos, rest = 0, []
        while True:
            m = anchor.search(head, pos) or (bare_start.match(head) if pos == 0 else None)
            if not m:
                rest.append(head[pos:])
                break
            rest.append(head[pos : m.start()])
            found, end = [m.group(1)], m.end()
            while True:
                ex = re.match(_EXCEPT_PAREN, head[end:])
                if ex:
                    excepts += [x.strip().lstrip(".") for x in re.split(r",|\band\b", ex.group(1))]
                    end += ex.end()
                    continue
                c = chain.match(head, end)
                if not c:
                    break
                if re.match(r"\s*(?:to|through)\b", head[end : c.start(1)]):
                    found[-1:] = _expand(found[-1], c.group(1))
                else:
                    found.append(c.group(1))
                end = c.end()
            paras += found
            pos = end
        leftover.append(" ".join(rest) + tail)
    paras = list(dict.fromkeys(paras))
    if not paras:
        return [], [], " ".join(text.split())
    residue = _FILLER.sub("", " ".join(leftover))
    return paras, [x for x in excepts if x], (" ".join(text.split()) if residue else None)


def _entire_except(eccn: str, text: str) -> tuple[str, list[str], str | None]:
    """An "entire entry except ..." control whose exception list has conditions in words.

    Exceptions stated plainly (``9A610.b``; ``and 9A610.y``) are honoured; a conditional one
    ("parts ... in 9A610.x if being exported for ...") is not (the control then still covers
    it, conservatively). Returns ("entire", exceptions, text) or ("partial", [], text).
    """
    tail = text.split("except", 1)[1] if "except" in text else ""
    excepted: list[str] = []
    for clause in tail.split(";"):
        paras, _, condition = parse_paragraphs(eccn, clause.strip(" :,"))
        if paras and condition is None:
            excepted += paras
    flat = " ".join(text.split())
    return ("entire", excepted, flat) if excepted else ("partial", [], flat)


_GROUP_RE = re.compile(r"\b([A-E]:\d)\b")
_NAMED = {
    "United Arab Emirates": "AE",
    "Macau": "MO",
    "China": "CN",
    "Russia": "RU",
    "Venezuela": "VE",
    "North Korea": "KP",
    "Iraq": "IQ",
    "Pakistan": "PK",
}


def parse_dest_scope(chart: str) -> dict[str, Any] | None:
    """Destination scope of a control stated in words instead of a Country Chart column.

    Returns ``{"all": bool, "groups": [...], "countries": [...], "except_groups": [...],
    "except_countries": [...]}``, or None when the text is not a destination scope bomtrace
    reads (UN controls, pointers to Part 746 or to 742.x without a stated scope).
    """
    text = " ".join(chart.split())
    scope: dict[str, Any] = {
        "all": False,
        "groups": [],
        "countries": [],
        "except_groups": [],
        "except_countries": [],
    }
    if re.match(r"^(Worldwide\b|To or within any destination worldwide)", text) or re.match(
        r"^A license is required for (all|ALL) destinations", text
    ):
        scope["all"] = True
        if re.search(r"ALL destinations, except Canada", text):
            scope["except_countries"] = ["CA"]
        return scope
    m = re.match(r"^(?:To or within|China, Russia,? or Venezuela)(.*?)(?:\. See|$|\(see)", text)
    if text.startswith("China, Russia"):
        scope["countries"] = ["CN", "RU", "VE"]
        return scope
    if m and text.startswith("To or within"):
        inc, _, exc = m.group(1).partition("excluding")
        scope["groups"] = sorted(set(_GROUP_RE.findall(inc)))
        scope["countries"] = sorted({c for n, c in _NAMED.items() if n in inc})
        scope["except_groups"] = sorted(set(_GROUP_RE.findall(exc)))
        return scope if scope["groups"] or scope["countries"] else None
    if text.startswith("A license is required for"):
        first = re.split(r"\.\s", text)[0]
        scope["countries"] = sorted({c for n, c in _NAMED.items() if n in first})
        return scope if scope["countries"] else None
    return None


def parse_controls(eccn: str, rows: list[dict[str, Any]], columns: list[str]) -> list[dict]:
    """Turn the source's licence-requirement rows into control records."""
    out = []
    for row in rows:
        control, chart = " ".join(row["control"].split()), " ".join(row["countryChart"].split())
        found = _COLUMN_RE.findall(chart)
        parts = [(control, chart)]
        if len(found) > 1:  # two rows run together, e.g. 1A231 "NP applies ... AT applies ..."
            texts = re.split(rf"\s+(?={_REASON} applies to)", control)
            if len(texts) != len(found):
                raise BuildError(f"{eccn}: cannot split merged row {row}")
            parts = [(t, f"{r} Column {n}") for t, (r, n) in zip(texts, found, strict=True)]
        for text, chart_text in parts:
            m = _CODE_RE.match(text)
            reason = m.group(1) if m else None
            col = _COLUMN_RE.search(chart_text)
            bare = _BARE_COLUMN_RE.match(chart_text)
            column = (
                f"{col.group(1)} {col.group(2)}"
                if col
                else (f"{reason} {bare.group(1)}" if bare and reason else None)
            )
            if column is not None and column not in columns:
                raise BuildError(f"{eccn}: column {column!r} is not a Country Chart column")
            if column and reason and column.split()[0] != reason:
                raise BuildError(f"{eccn}: control {text!r} names column {column}")
            scope, excepted = _scope(eccn, text)
            paragraphs: list[str] = []
            condition = None
            if scope == "partial" and "entire entry" in text:
                scope, excepted, condition = _entire_except(eccn, text)
            elif scope == "partial":
                paragraphs, excepted, condition = parse_paragraphs(eccn, text)
            out.append(
                {
                    "reason": reason,
                    "column": column,
                    "scope": scope,
                    "except": excepted,
                    "paragraphs": paragraphs,
                    "condition": condition,
                    "dest_scope": None if column else parse_dest_scope(chart_text),
                    "applies_to": text,
                    "chart": chart_text,
                }
            )
    return out


def _all_destinations(chart: dict[str, Any]) -> list[dict[str, Any]]:
    src = chart["allDestinationsEntries"]
    items = [(t, "none") for t in src["noLicenceExceptions"]]
    items += [(t, "GOV only") for t in src["govOnly"]["entries"]]
    out = []
    for text, exceptions in items:
        m = re.match(r"^(\d[A-E]\d{3})(?:\.([a-z0-9.]+))?\s*(\(.*\))?$", text)
        if not m:
            raise BuildError(f"cannot parse all-destinations entry {text!r}")
        out.append(
            {
                "eccn": m.group(1),
                "paragraph": m.group(2),
                "text": text,
                "scope": "entire" if not (m.group(2) or m.group(3)) else "partial",
                "licence_exceptions": exceptions,
            }
        )
    return sorted(out, key=lambda e: (e["eccn"], e["text"]))


def build_ccl(ccl: dict[str, Any], chart: dict[str, Any]) -> dict[str, Any]:
    """CCL entries with parsed controls, the 738.3(a)(1) list, corrections and known gaps."""
    columns = chart["columns"]
    entries, corrections, gaps = {}, [], []
    for e in ccl["entries"]:
        eccn, heading = e["eccn"], e["heading"]
        controls = parse_controls(eccn, e["countryChart"], columns)
        codes = ", ".join(dict.fromkeys(c["reason"] for c in controls if c["reason"]))
        reasons = (e["reasonForControl"] or codes).strip().rstrip(".") or None
        if eccn in _MERGED:
            nxt, expected = _MERGED[eccn]
            at = heading.find(f" {nxt} ")
            if at < 0 or nxt in {x["eccn"] for x in ccl["entries"]}:
                raise BuildError(f"{eccn}: merged entry {nxt} no longer looks merged; re-check")
            nxt_heading = re.sub(r"“\s+", "“", re.sub(r"\s+”", "”", heading[at + 7 :]))
            entries[nxt] = {
                "heading": _shorten(nxt_heading),
                "reasons": reasons,
                "controls": controls,
                "paragraph_roots": None,
            }
            reasons, rows = _table_from_heading(eccn, heading[:at], expected)
            controls = parse_controls(eccn, rows, columns)
            heading = re.split(r"\s+\.?\s*License Requirements Reason", heading)[0]
            corrections.append(
                {
                    "eccn": eccn,
                    "note": (
                        f"Source entry also held {nxt}: {eccn}'s own licence table was re-read "
                        f"from its heading text; the parsed table, reasons and flags belong to "
                        f"{nxt}."
                    ),
                }
            )
        roots = sorted(
            {str(i["paragraph"]).split(".")[0] for i in e.get("items") or [] if i["kind"] == "item"}
        )
        entries[eccn] = {
            "heading": _shorten(heading),
            "reasons": reasons,
            "controls": controls,
            "paragraph_roots": roots if roots and eccn not in _MERGED else None,
        }
    for eccn, rec in sorted(entries.items()):
        if not rec["controls"]:
            gaps.append(
                {
                    "eccn": eccn,
                    "note": "no licence-requirement table in the source data "
                    f"(reasons: {rec['reasons'] or 'none given'}); check the CCL text",
                }
            )
        elif any(c["column"] is None and c["chart"] == c["applies_to"] for c in rec["controls"]):
            gaps.append(
                {
                    "eccn": eccn,
                    "note": "a licence-requirement row has no Country Chart "
                    "cell in the source data",
                }
            )
    return {
        "header": header("15 CFR Part 774, Supplement No. 1 (Commerce Control List)", "774"),
        "entries": dict(sorted(entries.items())),
        "all_destinations": _all_destinations(chart),
        "all_destinations_source": "15 CFR 738.3(a)(1)",
        "corrections": corrections,
        "known_gaps": gaps,
    }


def write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as deterministic JSON (sorted keys, one value per line, UTF-8)."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=0, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", type=Path, default=REPO_ROOT.parent / "shared" / "reference")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "bomtrace" / "rules" / "data")
    args = ap.parse_args(argv)
    src: dict[str, Any] = {}
    for name in ("country-chart", "country-groups", "ccl"):
        src[name] = json.loads((args.reference / f"{name}.json").read_text(encoding="utf-8"))
        if src[name]["ecfrIssueDate"] != ISSUE_DATE:
            raise BuildError(
                f"{name}.json is eCFR issue {src[name]['ecfrIssueDate']}, "
                f"not {ISSUE_DATE}: update ISSUE_DATE and re-check changes.toml"
            )
    countries = build_countries(src["country-chart"], src["country-groups"])
    outputs = {
        "countries.json": countries,
        "country_chart.json": build_chart(src["country-chart"], countries),
        "country_groups.json": build_groups(src["country-groups"], countries),
        "ccl.json": build_ccl(src["ccl"], src["country-chart"]),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    for name, obj in outputs.items():
        write_json(args.out / name, obj)
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BuildError as exc:
        print(f"build_rules: error: {exc}", file=sys.stderr)
        sys.exit(1)
