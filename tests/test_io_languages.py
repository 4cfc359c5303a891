"""BOMs in other languages and encodings (issue 22): text files in the code page of a Chinese,
Japanese, Korean, Russian or Western system read with no flags, headers in those languages,
country names, and quantities written with counter words (bomtrace/io/text_encoding.py,
aliases_intl.py, quantity_words.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from bomtrace import api
from bomtrace.io import read_bom
from bomtrace.io.csv_parse import decode_text
from bomtrace.io.mapping import header_key, match_header
from bomtrace.io.quantities import parse_quantity
from bomtrace.io.text_encoding import detect, plausible
from bomtrace.issues import IssueCode, Severity

WriteCsv = Callable[..., Path]

#: A small BOM per language: header, then (part number, name, quantity, unit cost, origin).
BOMS: dict[str, list[tuple[str, ...]]] = {
    "zh": [
        ("物料编码", "物料名称", "数量", "单价", "制造商", "原产地"),
        ("10-001", "贴片电阻 0603 10K 1%", "12", "0.01", "风华高科", "中国"),
        ("10-002", "陶瓷电容 0805 10uF 25V", "4", "0.05", "三星电机", "韩国"),
        ("20-003", "不锈钢螺丝 M3x8", "8", "0.10", "东莞五金", "中国"),
        ("30-004", "单片机 STM32F103", "1", "8.50", "意法半导体", "美国"),
    ],
    "zh-tw": [
        ("料號", "品名", "數量", "單價", "製造商", "原產地"),
        ("10-001", "晶片電阻 0603 10K", "12", "0.01", "國巨", "台灣"),
        ("10-002", "陶瓷電容 0805 10uF", "4", "0.05", "華新科", "台灣"),
        ("20-003", "不鏽鋼螺絲 M3x8", "8", "0.10", "東莞五金", "中國"),
        ("30-004", "微控制器 STM32F103", "1", "8.50", "意法半導體", "美國"),
    ],
    "ja": [
        ("品番", "品名", "数量", "単価", "メーカー", "原産国"),
        ("A-001", "チップ抵抗器 10kΩ", "12", "1", "コーア", "日本"),
        ("A-002", "積層セラミックコンデンサ", "4", "2", "村田製作所", "日本"),
        ("B-003", "なべ小ねじ M3x8 ステンレス", "8", "5", "八幡ねじ", "日本"),
        ("C-004", "マイコン STM32F103", "1", "850", "STマイクロ", "アメリカ"),
    ],
    "ko": [
        ("품번", "품명", "수량", "단가", "제조사", "원산지"),
        ("A-001", "칩 저항 10K", "12", "10", "삼성전기", "한국"),
        ("A-002", "적층 세라믹 커패시터", "4", "20", "삼화콘덴서", "한국"),
        ("B-003", "스테인리스 나사 M3x8", "8", "50", "대한볼트", "중국"),
        ("C-004", "마이크로컨트롤러", "1", "9000", "에스티마이크로", "미국"),
    ],
    "ru": [
        ("Обозначение", "Наименование", "Кол-во", "Цена", "Производитель", "Страна"),
        ("R1-001", "Резистор 10 кОм", "12", "1,5", "Резистор", "Россия"),
        ("C1-002", "Конденсатор керамический", "4", "2,0", "Элеконд", "Россия"),
        ("X1-003", "Винт с полукруглой головкой", "8", "0,5", "Метиз", "Китай"),
        ("U1-004", "Микроконтроллер", "1", "350", "Миландр", "США"),
    ],
    "de": [
        ("Sachnummer", "Benennung", "Menge", "Preis", "Hersteller", "Ursprungsland"),
        ("100-01", "Widerstand 10 kOhm, Größe 0603", "12", "0,01", "Vishay", "Deutschland"),
        ("100-02", "Kondensator für Netzteil", "4", "0,05", "Würth", "Deutschland"),
        ("200-03", "Schraube M3x8 Edelstahl, verzinkt", "8", "0,10", "Böllhoff", "Österreich"),
        ("300-04", "Mikrocontroller STM32 (5 µs)", "1", "8,50", "ST", "Frankreich"),
    ],
}
ORIGINS = {
    "zh": ["CN", "KR", "CN", "US"],
    "zh-tw": ["TW", "TW", "CN", "US"],
    "ja": ["JP", "JP", "JP", "US"],
    "ko": ["KR", "KR", "CN", "US"],
    "ru": ["RU", "RU", "CN", "US"],
    "de": ["DE", "DE", "AT", "FR"],
}
ENCODINGS = [
    ("zh", "gb18030"),
    ("zh", "gbk"),
    ("zh", "gb2312"),
    ("zh-tw", "big5"),
    ("ja", "shift_jis"),
    ("ja", "cp932"),
    ("ja", "euc_jp"),
    ("ko", "euc_kr"),
    ("ru", "cp1251"),
    ("ru", "koi8_r"),
    ("de", "cp1252"),
    ("de", "latin-1"),
]


def _csv(rows: list[tuple[str, ...]], sep: str = ";") -> str:
    return "".join(sep.join(r) + "\n" for r in rows)


@pytest.mark.parametrize(("lang", "encoding"), ENCODINGS, ids=lambda v: str(v))
def test_bom_in_a_code_page_reads_with_no_flags(
    write_csv: WriteCsv, lang: str, encoding: str
) -> None:
    rows = BOMS[lang]
    path = write_csv(f"{lang}.csv", _csv(rows), encoding=encoding)
    t = read_bom([path])
    lines = t.lines[t.lines["level"] > 0]
    assert lines["part_number"].tolist() == [r[0] for r in rows[1:]]
    assert lines["description"].tolist() == [r[1] for r in rows[1:]]
    assert lines["quantity"].tolist() == [12.0, 4.0, 8.0, 1.0]
    assert lines["manufacturer"].tolist() == [r[4] for r in rows[1:]]
    assert lines["country_of_origin"].tolist() == ORIGINS[lang]
    assert lines["unit_cost"].notna().all()
    guessed = [i for i in t.issues if i.code == IssueCode.ENCODING_GUESSED]
    assert len(guessed) == 1 and "--encoding" in guessed[0].message
    assert guessed[0].severity == Severity.WARNING and guessed[0].file == str(path)


@pytest.mark.parametrize(("lang", "encoding"), ENCODINGS, ids=lambda v: str(v))
def test_a_header_and_one_line_are_enough_to_tell_the_code_page(lang: str, encoding: str) -> None:
    text = _csv(BOMS[lang][:2])
    data = text.encode(encoding)
    assert data.decode(detect(data)) == text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Part,Qty\nR1 10µF,1\n", "cp1252"),
        ("Part,Qty\nRésistance,1\n", "cp1252"),
        ("数量\n", "gb18030"),
        ("Part,数量\nR1,1\n", "gb18030"),
        ("Part,数量\nR1,1\n", "cp932"),
        ("名稱,數量\n螺絲,1\n", "big5"),
        ("部品,個数\nねじ,1\n", "cp932"),
        ("Part,Кол-во\nR1,1\n", "cp1251"),
        ("Part,Кол-во\nR1,1\n", "koi8_r"),
    ],
)
def test_short_samples(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    assert data.decode(detect(data)) == text


def test_utf8_is_not_detected_and_reports_nothing(write_csv: WriteCsv) -> None:
    path = write_csv("u.csv", _csv(BOMS["zh"]), encoding="utf-8")
    t = read_bom([path])
    assert t.sources[0].encoding == "utf-8-sig"
    assert not [i for i in t.issues if i.code == IssueCode.ENCODING_GUESSED]
    assert t.lines["description"].tolist()[1] == "贴片电阻 0603 10K 1%"


def test_given_encoding_is_no_guess(write_csv: WriteCsv) -> None:
    path = write_csv("g.csv", _csv(BOMS["zh"]), encoding="gb18030")
    t = read_bom([path], api.ReadOptions(encoding="gb18030"))
    assert not [i for i in t.issues if i.code == IssueCode.ENCODING_GUESSED]


def test_utf8_with_a_few_cp1252_bytes_is_left_to_the_repair() -> None:
    data = "Part,Desc\nA,Größe\nB,Gehäuse\n".encode() + "C,Café\n".encode("cp1252")
    assert detect(data) == "cp1252"  # the mixed-encoding repair then reads it as UTF-8
    text, enc = decode_text("Teil;Menge\nMutter für Gehäuse;4\n".encode("cp1252"))
    assert enc == "cp1252" and "für" in text


def test_one_stray_byte_is_not_enough_for_a_double_byte_code_page() -> None:
    assert detect(b"Part,Desc\nA,x\x81y\n") == "latin-1"
    assert detect(b"Part,Desc\nA,10\xb5F\n") == "cp1252"


def test_plausible_text() -> None:
    assert plausible("电阻电容") == 1.0
    assert plausible("Кол-во") == 1.0
    assert plausible("лНК-БН") == 0.0  # KOI8-R read as cp1251
    assert plausible("plain ascii") == 0.0


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("物料编码", "part_number"),
        ("料號", "part_number"),
        ("品番", "part_number"),
        ("부품번호", "part_number"),
        ("Артикул", "part_number"),
        ("物料名称", "description"),
        ("原件名称", "description"),
        ("名称", "description"),
        ("品名", "description"),
        ("명칭", "description"),
        ("Наименование", "description"),
        ("物料数量", "quantity"),
        ("個数", "quantity"),
        ("수량", "quantity"),
        ("Кол-во", "quantity"),
        ("Quantità", "quantity"),
        ("单价", "unit_cost"),
        ("単価", "unit_cost"),
        ("단가", "unit_cost"),
        ("Цена", "unit_cost"),
        ("Preço unitário", "unit_cost"),
        ("厂家", "manufacturer"),
        ("メーカー", "manufacturer"),
        ("Производитель", "manufacturer"),
        ("型号", "mpn"),
        ("メーカー型番", "mpn"),
        ("供应商", "supplier"),
        ("販売会社", "supplier"),
        ("位号", "reference_designators"),
        ("Поз. обозначение", "reference_designators"),
        ("原産国", "country_of_origin"),
        ("Ед. изм.", "uom"),
        ("层级", "level"),
        ("父项", "parent"),
        ("币种", "currency"),
    ],
)
def test_headers_in_other_languages(header: str, field: str) -> None:
    assert header_key(header)  # CJK, Hangul and Cyrillic letters are kept in the key
    found = match_header(header)
    assert found is not None and found[0] == field, found


@pytest.mark.parametrize("header", ["备注", "備考", "補足", "序号", "番号", "小计", "合計金額"])
def test_remarks_and_line_numbers_name_no_field(header: str) -> None:
    assert match_header(header) is None


def test_quantities_with_counter_words_and_numerals() -> None:
    cells = ["12个", "1套", "2片", "3pcs", "5 pcs", "4只", "10颗", "1本", "2枚", "3개", "1 шт"]
    cells += ["一卷", "两个", "十", "十二个", "１２個", "若干", "少量", "M3"]
    q = parse_quantity(pd.Series(cells, dtype="str"))
    want = [12, 1, 2, 3, 5, 4, 10, 1, 2, 3, 1, 1, 2, 10, 12, 12]
    assert q.values[: len(want)].tolist() == want
    assert q.bad.tolist() == [False] * len(want) + [True, True, True]
    assert q.unit.tolist()[:3] == ["个", "套", "片"]


def test_counter_words_are_reported_once_and_measures_at_their_row(write_csv: WriteCsv) -> None:
    text = "物料编码,物料名称,数量\nA,螺丝,12个\nB,导线,100mm\nC,胶带,一卷\nD,电容,4.7k\n"
    text += "E,铜柱,2 pcs\n"
    t = read_bom([write_csv("q.csv", text)])
    assert t.lines["quantity"].tolist()[1:] == [12.0, 100.0, 1.0, 4.7, 2.0]
    units = [i for i in t.issues if i.code == IssueCode.QUANTITY_UNIT]
    info = [i for i in units if i.severity == Severity.INFO]
    assert len(info) == 1 and "'个'" in info[0].message and "'pcs'" in info[0].message
    warned = {(i.row, i.column) for i in units if i.severity == Severity.WARNING}
    assert warned == {(3, "C"), (5, "C")}  # 100mm: a length; 4.7k: not a count bomtrace knows


def test_cjk_bom_in_gb18030_reads_end_to_end(write_csv: WriteCsv) -> None:
    text = "层级,物料编码,物料名称,用量,单位\n0,P-1,整机,,台\n1,A-1,主板,1,块\n2,R-1,电阻,12,个\n"
    t = read_bom([write_csv("multi.csv", text, encoding="gb18030")])
    assert t.lines["part_number"].tolist() == ["P-1", "A-1", "R-1"]
    assert t.lines["level"].tolist() == [0, 1, 2]
    assert t.lines["uom"].tolist() == ["台", "块", "个"]


def test_money_with_yuan_yen_won_and_rouble_signs() -> None:
    from bomtrace.io.values import parse_numbers

    cells = ["12.5元", "550円", "￥3.2", "₩9000", "350 руб.", "1 200,50 ₽"]
    values, bad, currency = parse_numbers(pd.Series(cells, dtype="str"))
    assert values.tolist() == [12.5, 550.0, 3.2, 9000.0, 350.0, 1200.5]
    assert not bad.any()
    got = [None if pd.isna(c) else c for c in currency.tolist()]
    assert got == [None, "JPY", None, "KRW", "RUB", "RUB"]  # 元 and ￥: CNY, TWD or JPY


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("単価（円）", "unit_cost"),
        ("数量（个）", "quantity"),
        ("単価【円】", "unit_cost"),
        ("部品Ｎｏ．", "part_number"),
        ("ＱＴＹ", "quantity"),
        ("Ｐａｒｔ　Ｎｕｍｂｅｒ", "part_number"),
    ],
)
def test_full_width_headers_and_brackets(header: str, field: str) -> None:
    found = match_header(header)
    assert found is not None and found[0] == field, found


@pytest.mark.parametrize("encoding", ["big5", "cp932", "gb18030"])
def test_trail_bytes_that_look_like_delimiters_or_backslashes(
    write_csv: WriteCsv, encoding: str
) -> None:
    """Big5 and Shift-JIS characters may end in 0x5C (backslash) or 0x7C (pipe): the parsers
    decode before they split (表 is 0x95 0x5C in Shift-JIS)."""
    rows = [list(r) for r in BOMS["zh-tw" if encoding == "big5" else "ja"]]
    rows[2][1] = '"' + rows[2][1] + ', 表示"'
    path = write_csv("pipe.txt", "".join("|".join(r) + "\n" for r in rows), encoding=encoding)
    t = read_bom([path])
    assert t.sources[0].delimiter == "|"
    assert t.lines["description"].tolist()[2] == rows[2][1].strip('"')
    assert t.lines["quantity"].tolist()[1:] == [12.0, 4.0, 8.0, 1.0]
