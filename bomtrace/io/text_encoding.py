"""The encoding of a text file that is not UTF-8: detected from its bytes with
charset-normalizer.

A BOM exported on a Chinese, Japanese, Korean or Russian Windows system is written in the
system's code page: GB18030 (GBK, GB2312), Big5, Shift-JIS (cp932), EUC-KR (cp949), cp1251 or
KOI8-R; a Western one in cp1252. Read as cp1252, its headers and descriptions turn into
mojibake without a word, and no header is recognised.

The fast path is untouched: a file that decodes as UTF-8 never comes here
(:func:`bomtrace.io.csv_parse.decode_text` tries that first). For the others, only a sample is
looked at: the lines that hold bytes above 127 (headers and descriptions; part numbers and
quantities are ASCII), at most :data:`SAMPLE_BYTES` of them.

- A sample whose high bytes are nearly all UTF-8 sequences is a UTF-8 file with a few bytes in
  another encoding (lines pasted from cp1252): it is left to the mixed-encoding repair
  (:mod:`bomtrace.io.csv_repair`), which reads it as UTF-8 and reports each damaged cell.
- Otherwise charset-normalizer chooses among :data:`CANDIDATES` (the code pages BOMs are
  written in; a short text is told apart more reliably among fewer). The whole file must
  decode with the choice, else the next candidate is tried, and cp1252 (latin-1 when cp1252
  cannot) is the fallback, as before.

The encoding chosen is a guess: the reader reports it (``encoding-guessed``, naming
``--encoding``).

>>> text = "物料编码,物料名称,数量\\n10-001,电阻 0603 10K,12\\n10-002,电容 0805 10uF,4\\n"
>>> detect(text.encode("gb18030"))
'gb18030'
>>> detect("Größe,Menge\\nSchraube für Gehäuse,4\\n".encode("cp1252"))
'cp1252'
"""

from __future__ import annotations

import functools
import re

from bomtrace.io.aliases_intl import INTL_ALIASES

#: Encodings charset-normalizer chooses among (Python codec names), the code pages BOMs are
#: written in on Windows and Unix systems.
CANDIDATES: tuple[str, ...] = (
    "gb18030",
    "big5",
    "cp932",
    "euc_jp",
    "cp949",
    "cp1251",
    "koi8_r",
    "cp1252",
    "latin_1",
)
#: Most bytes of lines with high bytes handed to the detector.
SAMPLE_BYTES = 64 * 1024
#: Share of high bytes in UTF-8 sequences above which a file is UTF-8 with a few foreign bytes.
UTF8_SHARE = 0.9

#: Fewest bytes above 127 for anything but cp1252 (two characters of a double-byte code page).
MIN_HIGH = 4
#: Candidates whose "chaos" is this close to the least are ranked by :func:`plausible`.
TIE = 0.05
#: Letters and signs above ASCII in Western BOMs.
_LATIN = (
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿŒœŠšŽžµ°±²³×÷€£¥©®™–—‘’“”•…·§¼½¾Ω"
)
#: Chinese characters of common BOM words (parts, materials, units, packages, counters).
_HAN = (
    "电阻容感器件芯片模块螺丝钉母帽垫圈弹簧柱铜铝钢铁不锈塑料胶线缆插头座针连接开关按键显示屏"
    "电池充管二极三晶振荡传感马达机板外壳盖支架轴承齿轮皮带滑轨散热风扇灯光源继接口端子座磁铁"
    "个只颗片套卷条根张块对把台盒包袋米毫厘千克克伏安瓦欧姆法拉赫兹长宽高厚直径内孔距大小"
    "電體組裝螺絲釘墊圈彈簧銅鋁鋼鐵銹膠線纜插頭開關顯示電池傳感機殼蓋軸齒輪帶熱風燈繼連個顆條張塊對"
    "部品抵抗コンデンサ基板用材料電源"
    "저항콘덴서커패시터인덕터나사볼트너트와셔케이블커넥터스위치기판모듈센서모터배터리전원램프"
    "다이오드트랜지스터칩개세트장롤미터품번명칭수량단가제조사공급업체위치원산지단위레벨"
)
#: What each encoding is for, in the reader's issue.
NAMES: dict[str, str] = {
    "gb18030": "GB18030 (Simplified Chinese, also GBK/GB2312)",
    "big5": "Big5 (Traditional Chinese)",
    "cp932": "Shift-JIS (Japanese, cp932)",
    "euc_jp": "EUC-JP (Japanese)",
    "euc_jis_2004": "EUC-JP (Japanese)",
    "cp949": "EUC-KR (Korean, cp949)",
    "euc_kr": "EUC-KR (Korean)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "koi8_r": "KOI8-R (Russian)",
    "cp1252": "Windows-1252 (Western European)",
    "latin_1": "Latin-1 (Western European)",
    "latin-1": "Latin-1 (Western European)",
}

_HIGH = re.compile(rb"[\x80-\xff]")
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def sample(data: bytes, size: int = SAMPLE_BYTES) -> bytes:
    """The first lines of ``data`` that hold bytes above 127, up to about ``size`` bytes.

    >>> sample(b"Part,Qty\\nCaf\\xe9,1\\nA,2\\nB\\xe4,3")
    b'Caf\\xe9,1\\nB\\xe4,3'
    """
    parts: list[bytes] = []
    total = pos = 0
    while total < size:
        m = _HIGH.search(data, pos)
        if m is None:
            break
        start = data.rfind(b"\n", 0, m.start()) + 1
        end = data.find(b"\n", m.start())
        end = len(data) if end < 0 else end + 1
        parts.append(data[start : min(end, start + size)])
        total += len(parts[-1])
        pos = end
    return b"".join(parts)


def mostly_utf8(head: bytes) -> bool:
    """Whether nearly all high bytes of ``head`` are in UTF-8 sequences (a UTF-8 file with a
    few bytes in another encoding)."""
    high = len(_HIGH.findall(head))
    if not high:
        return False
    in_utf8 = sum(len(m) for m in _UTF8_SEQUENCE.findall(head))
    return in_utf8 >= UTF8_SHARE * high


def detect(data: bytes) -> str:
    """The encoding to read ``data`` with, a file that is not valid UTF-8.

    Parameters
    ----------
    data : bytes
        The whole file (only a sample of it is looked at; the choice must decode all of it).

    Returns
    -------
    str
        A Python codec name: ``cp1252`` for a UTF-8 file with a few foreign bytes (left to
        the mixed-encoding repair) and when nothing else fits, ``latin-1`` when not even
        cp1252 decodes the file, else the detected encoding (one of :data:`CANDIDATES`).
    """
    head = sample(data)
    if not mostly_utf8(head):
        for enc in _ranked(head):
            if enc in ("cp1252", "latin_1"):
                break
            try:
                data.decode(enc)
            except UnicodeDecodeError:
                continue
            return enc
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def _ranked(head: bytes) -> list[str]:
    """The candidates charset-normalizer finds plausible for ``head``, best first.

    On a short sample (a header and a few names) several candidates decode without any
    "chaos", and charset-normalizer's order among them is arbitrary: those are ranked by the
    share of their characters that a BOM plausibly holds (:func:`plausible`), cp1252 standing
    for a single-byte candidate that reads the sample the same.
    """
    if len(_HIGH.findall(head, 0, 4096)) < MIN_HIGH:
        return []  # one stray byte or character: not enough to tell a code page by
    from charset_normalizer import from_bytes  # imported only for files that are not UTF-8

    matches = list(from_bytes(head, cp_isolation=list(CANDIDATES)))
    if not matches:
        return []
    least = min(m.chaos for m in matches)
    tied = [m.encoding for m in matches if m.chaos <= least + TIE]
    rest = [m.encoding for m in matches if m.chaos > least + TIE]
    western = _decoded(head, "cp1252")
    if western is not None:  # cp1252 in place of a code page that reads the sample the same
        tied = list(dict.fromkeys("cp1252" if _decoded(head, e) == western else e for e in tied))
    scores = {e: plausible(_decoded(head, e) or "") for e in tied}
    return sorted(tied, key=lambda e: -scores[e]) + rest


def _decoded(head: bytes, encoding: str) -> str | None:
    try:
        return head.decode(encoding)
    except UnicodeDecodeError:
        return None


def plausible(text: str) -> float:
    """Share of the characters above ASCII in ``text`` that a BOM plausibly holds: Latin
    letters and signs, kana, common Hangul, Cyrillic and Chinese characters (of common words
    and of BOM headers, :mod:`bomtrace.io.aliases_intl`), in words that do not mix Cyrillic
    with ASCII letters nor a capital after a small letter (as text read in the wrong
    single-byte code page does). Other Hangul syllables count half: a pair of bytes in
    another encoding often reads as one.

    >>> plausible("数量"), plausible("杅講"), plausible("10µF"), plausible("Rйsistance")
    (1.0, 0.0, 1.0, 0.0)
    """
    total = 0
    score = 0.0
    common = _common()
    for word in _WORD.findall(text):
        high = [c for c in word if ord(c) > 127]
        if not high:
            continue
        total += len(high)
        if _CYRILLIC.search(word) and (_ASCII_LETTER.search(word) or _CAMEL.search(word)):
            continue
        for c in high:
            if c in common or "\u3041" <= c <= "\u30fa":
                score += 1
            elif "\uac00" <= c <= "\ud7a3":
                score += 0.5
    return score / total if total else 0.0


_WORD = re.compile(r"[^\W\d_]+|[^\x00-\x7f]", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_CAMEL = re.compile(r"[^\W\d_A-Z](?=[A-ZА-ЯЁ])")


@functools.cache
def _common() -> frozenset[str]:
    from charset_normalizer.constant import FREQUENCIES  # only for files that are not UTF-8

    chars = set(_LATIN + _HAN)
    for lang in ("Chinese", "Japanese", "Korean", "Russian", "Ukrainian", "Bulgarian"):
        for c in FREQUENCIES.get(lang, ()):
            chars.update((c, c.upper()))
    for names in INTL_ALIASES.values():
        chars.update(c for name in names for c in name.upper() + name)
    return frozenset(c for c in chars if ord(c) > 127)


def describe(encoding: str) -> str:
    """The encoding as the reader's issue names it.

    >>> describe("cp932"), describe("utf_16")
    ('Shift-JIS (Japanese, cp932)', 'utf_16')
    """
    return NAMES.get(encoding, encoding)


def guessed_message(encoding: str) -> str:
    """The reader's issue for a file read in a detected encoding."""
    return (
        f"The file is not UTF-8: it was read as {describe(encoding)}, detected from its "
        "bytes. If its text looks wrong, give the encoding it was saved in with --encoding "
        "(e.g. --encoding gb18030 for Chinese, big5, shift_jis for Japanese, euc_kr for "
        "Korean, cp1251 for Russian, cp1252 for Western European), or save it as UTF-8."
    )
