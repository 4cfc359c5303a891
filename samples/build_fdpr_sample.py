# ruff: noqa: E501  (the BOM table below is easier to read with one BOM line per text line)
"""Build the Foreign Direct Product rule sample: a 2020 5G baseband board.

Run from anywhere with ``python samples/build_fdpr_sample.py``. The output is deterministic (fixed
workbook timestamps and zip entry dates). Writes, next to this script:

- ``basestation_2020.xlsx``: an indented BOM (sheet "BOM", a three-row title block, header on
  row 4) with the production-evidence columns bomtrace reads for the FDP rules: Producer,
  Designed By, US Technology ECCNs, Made With US Equipment;
- ``basestation_2020_producers.csv``: a producer table (``--producers``) with one supplier
  declaration that settles the one part the BOM leaves open.

The board is illustrative, not a real product: a baseband SoC designed by HiSilicon (a Huawei
company, Entity List footnote 1) and made by TSMC with US EDA software and US-technology
equipment; RF ASICs from a non-listed Taiwanese design house, made the same way; Korean DRAM
from a fab equipped with US tools; a US-made FPGA; an optical module with a TSMC-made laser
driver; and non-US passives, connectors, PCBs and a power module. De minimis US content for China
is 0 % (the FPGA is 3A991, AT-only). With ``--end-user "Huawei Technologies"``:

- ``--as-of 2020-05-14``: no FDP rule reaches Huawei yet: nothing is caught;
- ``--as-of 2020-05-15`` (85 FR 29849): only Huawei-designed items: the SoC is caught;
- ``--as-of 2020-08-17`` (85 FR 51596): every direct product of the listed US technology, or of a
  plant built on it: SoC, RF ASICs, DRAM and laser drivers are caught.

The power module's plant evidence is blank in the BOM (unknown, never "no"); the producer table
supplies the supplier's declaration.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from pathlib import Path

# openpyxl serialises XML differently with and without lxml; the sample is built with its
# standard-library writer so that a rebuild gives the same bytes on every machine
os.environ["OPENPYXL_LXML"] = "False"

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Font, PatternFill  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).resolve().parent
WORKBOOK_TIME = dt.datetime(2020, 8, 17, 9, 0, 0)
ZIP_TIME = (2020, 8, 17, 9, 0, 0)

HEADER = [
    "Level", "Part Number", "Description", "Qty", "UoM", "Unit Cost", "Currency",
    "Country of Origin", "ECCN", "Manufacturer", "Producer", "Designed By",
    "US Technology ECCNs", "Made With US Equipment", "Selling Price",
]  # fmt: skip
WIDTHS = [6, 13, 62, 6, 5, 10, 9, 17, 9, 30, 30, 32, 20, 22, 12]

# level | part | description | qty | unit cost | origin | ECCN | manufacturer | producer | designed by | US tech ECCNs | made with US equipment | selling price
BOM = """
0 | BBU-5G-2020 | Baseband board, 5G base station (illustrative, 2020) | 1 |  | CN | 5A991 | Shenzhen Hetai Electronics | Shenzhen Hetai Electronics | Huawei Technologies Co., Ltd. | none | no | 3200
1 | HI-SOC-7 | Baseband SoC, 7 nm (HiSilicon design, TSMC fab, US EDA software) | 1 | 320 | TW | 5A991 | HiSilicon | TSMC | HiSilicon Technologies Co., Ltd | 3D991; 3E991 | yes |
1 | RF-ASIC-28 | RF beamforming ASIC, 28 nm (Taiwan design house, US EDA software, TSMC fab) | 4 | 38 | TW | 3A991 | Formosa Silicon Design | TSMC | Formosa Silicon Design Co., Ltd. | 3D991 | yes |
1 | DRAM-8G | DRAM, DDR4 8 Gb (Korean design, fab with US-technology equipment) | 4 | 6.5 | KR | 3A991 | Hanbit Memory Co. | Hanbit Memory Icheon Fab | Hanbit Memory Co. | none | yes |
1 | FPGA-US | FPGA, timing and packet processing (US-made) | 1 | 145 | US | 3A991.d | Sierra Logic Inc. | Sierra Logic Inc. | Sierra Logic Inc. |  |  |
1 | OPT-25G | Optical transceiver module, 25G | 2 |  | CN | 5A991 | Wuhan Photonics | Wuhan Photonics | Wuhan Photonics | none | no |
2 | LD-DRV | Laser driver IC (TSMC fab, US EDA software) | 1 | 9.5 | TW | 3A991 | Formosa Silicon Design | TSMC | Formosa Silicon Design Co., Ltd. | 3D991 | yes |
2 | LENS-A | Lens assembly | 1 | 3.2 | JP | EAR99 | Kansai Optics | Kansai Optics | Kansai Optics | none | no |
2 | PCB-OPT | Module PCB | 1 | 1.1 | CN | EAR99 | Wuhan Photonics | Wuhan Photonics | Wuhan Photonics | none | no |
1 | PWR-48 | Power module, 48 V DC/DC (plant evidence not in the BOM) | 1 | 24 | CN | EAR99 | Pearl River Power Co., Ltd. | Pearl River Power Co., Ltd. |  | none |  |
1 | CAP-MLCC | MLCC, 0402, assorted | 300 | 0.01 | JP | EAR99 | Kansai Ceramics | Kansai Ceramics | Kansai Ceramics | none | no |
1 | PCB-MAIN | Main PCB, 16-layer HDI | 1 | 35 | CN | EAR99 | Shenzhen Hetai Electronics | Shenzhen Hetai Electronics | Shenzhen Hetai Electronics | none | no |
1 | CONN-HS | High-speed backplane connector | 6 | 2.2 | JP | EAR99 | Kansai Connect | Kansai Connect | Kansai Connect | none | no |
"""

PRODUCERS_HEADER = [
    "Producer",
    "Made With US Equipment",
    "Equipment Tech ECCNs",
    "Origin",
    "Source",
    "Aliases",
]
PRODUCERS = [
    ["Taiwan Semiconductor Manufacturing Company, Limited", "yes", "3E001; 3E991", "US-origin", "Illustrative: fab tool set includes US-made lithography, etch and test equipment (US-origin 3E001/3E991 technology)", "TSMC"],
    ["Pearl River Power Co., Ltd.", "no", "", "", "Illustrative: supplier declaration of 2020-07-01 (no US-technology production equipment)", ""],
]  # fmt: skip


def _number(text: str) -> float | int | None:
    if not text:
        return None
    v = float(text)
    return int(v) if v.is_integer() else v


def bom_rows() -> list[list[object]]:
    """The BOM lines as worksheet rows (header order)."""
    rows: list[list[object]] = []
    for line in BOM.strip().splitlines():
        (lvl, pn, desc, qty, cost, coo, eccn, mfr, prod, des, tech, made, price) = [
            c.strip() for c in line.split("|")
        ]
        rows.append(
            [int(lvl), pn, desc, _number(qty), "EA", _number(cost), "USD" if cost or price else None,
             coo, eccn, mfr, prod, des or None, tech or None, made or None, _number(price)]
        )  # fmt: skip
    return rows


def save_workbook_deterministic(wb: Workbook, path: Path) -> None:
    """Save ``wb`` with fixed document properties and fixed zip entry dates."""
    wb.properties.creator = "bomtrace samples/build_fdpr_sample.py"
    wb.properties.lastModifiedBy = "bomtrace samples/build_fdpr_sample.py"
    wb.properties.created = WORKBOOK_TIME
    wb.properties.modified = WORKBOOK_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    path.write_bytes(out.getvalue())


def write_xlsx(path: Path) -> None:
    """The BOM workbook: title block, header on row 4, one line per BOM line."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "BOM"
    ws["A1"] = "Baseband board BBU-5G-2020: indented BOM with FDP production evidence"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = "Illustrative sample for bomtrace (not a real product); see samples/README.md"
    ws.append([])
    ws.append(HEADER)
    for c in ws[4]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
        c.alignment = Alignment(wrap_text=True, vertical="top")
    for row in bom_rows():
        ws.append(row)
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A5"
    save_workbook_deterministic(wb, path)


def write_producers(path: Path) -> None:
    """The producer table (CSV, LF line ends)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(PRODUCERS_HEADER)
    w.writerows(PRODUCERS)
    path.write_text(buf.getvalue(), encoding="utf-8")


def main() -> None:
    """Write both files and say where."""
    write_xlsx(HERE / "basestation_2020.xlsx")
    write_producers(HERE / "basestation_2020_producers.csv")
    print(f"wrote {HERE / 'basestation_2020.xlsx'} and {HERE / 'basestation_2020_producers.csv'}")


if __name__ == "__main__":
    main()
