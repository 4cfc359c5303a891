# ruff: noqa: E501  (the BOM tables below are easier to read with one BOM line per text line)
"""Build the sample bills of materials shipped in ``samples/``.

Run from anywhere with ``python samples/build_samples.py``. The output is deterministic: the
same bytes on every run (fixed workbook timestamps, fixed zip entry dates, fixed row order).

Writes, next to this script:

- ``p30pro.xlsx``, ``ru5g64t.xlsx``, ``rtr_e200.xlsx``: indented multi-level BOMs (sheet "BOM",
  a three-row title block, then the header row on row 4);
- ``parent-child/<name>_edges.csv`` + ``parent-child/<name>_parts.csv``: the same data as a
  parent-child edge list plus a parts master;
- ``broken_edges.csv``: a small parent-child file with deliberate input problems.

For every product the script rolls values up through the structure with ``Decimal`` arithmetic,
checks the figures quoted in ``samples/README.md`` and prints them. A failed check stops the
build with a message naming the figure.

The "controlled to China" rule used here is the samples' deliberately simple one: a US-origin
part counts when its ECCN entry is one of 3A001, 5A002, 4A003, 3A090 (NS/RS-controlled to
China). EAR99 and the AT-only entries (3A991, 4A994, 5A991, 5A992) do not count. It is not
bomtrace's rule engine and not a legal classification.

BOM tables
----------
Each product is written below as an indented table, one BOM line per text line, two spaces of
indentation per level::

    part number | qty | uom | unit cost | selling price | US tech value | origin | ECCN | manufacturer | description

A line holding only ``part number | qty`` re-uses a sub-assembly already defined above (with
all its children): that is how a sub-assembly shared by two parents is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).resolve().parent
PC_DIR = HERE / "parent-child"

#: Fixed timestamps so that reruns give identical bytes.
WORKBOOK_TIME = dt.datetime(2020, 8, 17, 9, 0, 0)
ZIP_TIME = (2020, 8, 17, 9, 0, 0)

CONTROLLED_TO_CHINA = {"3A001", "5A002", "4A003", "3A090"}
THRESHOLD_IN_FORCE = Decimal("0.25")  # China is not in E:1/E:2 (2020 and today)
THRESHOLD_WHAT_IF = Decimal("0.10")  # the never-adopted 2020 "10% for Huawei" proposal

XLSX_HEADER = [
    "Level",
    "Part Number",
    "Description",
    "Qty",
    "UoM",
    "Unit Cost",
    "Currency",
    "Country of Origin",
    "ECCN",
    "Manufacturer",
    "Selling Price",
    "US Tech Value",
]
XLSX_WIDTHS = [6, 14, 72, 6, 5, 11, 9, 17, 11, 34, 12, 13]
EDGES_HEADER = ["Parent", "Part Number", "Qty"]
PARTS_HEADER = [
    "Part Number",
    "Description",
    "Unit Cost",
    "Currency",
    "Country of Origin",
    "ECCN",
    "Manufacturer",
    "Selling Price",
    "US Tech Value",
]

_US_FORMS = {"US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA"}
_ORIGIN_NAMES = {"CHINA": "CN", "JAPAN": "JP", "TAIWAN": "TW", "SOUTH KOREA": "KR"}

UNATTRIBUTED = "(unattributed in teardown)"


# ---------------------------------------------------------------------------------------------
# (a) Phone built on the Nikkei Asian Review / Fomalhaut Techno Solutions teardown of the
#     Huawei P30 Pro (June 2019). Published: total $363.83; by maker origin China 138.61,
#     Japan 83.71, US 59.36, Taiwan 28.85, South Korea 28.00 ($25.30 not attributed); the
#     priced parts named below. Everything else (filler lines, structure, part numbers,
#     ECCNs, quantities) is illustrative. No selling price: the denominator is rolled-up cost.
# ---------------------------------------------------------------------------------------------

P30PRO = """
VOG-L29-128    | 1   | EA |       |  |      | CN            | 5A992.c   | Huawei                              | Smartphone, P30 Pro class, 8 GB / 128 GB (teardown-based)
  03025JVN     | 1   | EA |       |  |      | CN            | 5A992.c   | Huawei                              | Main board PCBA
    03025JVP   | 1   | EA |       |  |      | CN            | 5A991     | Huawei                              | RF front-end sub-assembly
      47190188 | 1   | EA | 8.00  |  |      | US            | 5A991     | Skyworks                            | Communication semiconductor, PA module
      47190201 | 1   | EA | 3.00  |  |      | United States | 5A991     | Qorvo                               | Communication semiconductor, RF module
      47190377 | 1   | EA | 5.20  |  |      | CN            | 5A991     | HiSilicon                           | Communication semiconductor, RF transceiver
      47190412 | 1   | EA | 3.00  |  |      | Japan         | EAR99     | Japanese maker (unnamed in teardown) | Antenna switch
      47190415 | 1   | EA | 2.75  |  |      | JP            | EAR99     | TDK / Taiyo Yuden / Kyocera         | Antenna duplexer
      47190420 | 1   | EA | 2.20  |  |      | JP            | 5A991     | Murata                              | LTE front-end module
      0047110  | 8   | EA | 0.40  |  |      | JP            | EAR99     | Murata                              | SAW filter
    03025JVQ   | 1   | EA |       |  |      | CN            | 3A991     | Huawei                              | Memory sub-assembly (DRAM + UFS)
      40960012 | 1   | EA | 40.96 |  |      | USA           | 3A991     | Micron                              | DRAM, LPDDR4X 8 GB
      40960031 | 1   | EA | 28.16 |  |      | KR            | 3A991     | Samsung                             | NAND flash, UFS 2.1 128 GB
    39810980   | 1   | EA | 30.00 |  | 7.50 | CN            | 5A992.c   | HiSilicon                           | Application processor, Kirin 980 (US Tech Value = US patent licence royalty per unit, illustrative)
    39810991   | 1   | EA | 1.90  |  |      | China         | EAR99     | HiSilicon                           | Power management IC
    39811004   | 1   | EA | 3.50  |  |      | USA           | 5A992.c   | US maker (unnamed in teardown)      | Large IC, US-made part (teardown: 'US and Japan', $9 together)
    39811005   | 1   | EA | 5.50  |  |      | Japan         | EAR99     | Japanese maker (unnamed in teardown) | Large IC, Japan-made part (teardown: 'US and Japan', $9 together)
    00417-22   | 1   | EA | 0.85  |  |      | US            | EAR99     | Cirrus Logic                        | Audio amplifier, smart codec amp
    00417-31   | 1   | EA | 0.35  |  |      | US            | EAR99     | Texas Instruments                   | MIPI switch
    39811120   | 1   | EA | 0.60  |  |      | JP            | EAR99     | Asahi Kasei Microdevices            | E-compass
    39811133   | 2   | EA | 0.25  |  |      | TW            | EAR99     | Richtek                             | Load switch
    0223410    | 1   | EA | 4.20  |  |      | Taiwan        | EAR99     | Compeq                              | Main PCB, HDI any-layer
    0223415    | 1   | EA | 1.15  |  |      | TW            | EAR99     | Unimicron                           | Sub-board PCB
    06310001   | 720 | EA | 0.01  |  |      | JP            | EAR99     | Murata                              | MLCC, 0201, assorted
    06310117   | 208 | EA | 0.005 |  |      | JP            | EAR99     | Rohm                                | Chip resistor, 01005, assorted
    06310240   | 30  | EA | 0.05  |  |      | JP            | EAR99     | TDK                                 | Power inductor
    06310388   | 2   | EA | 0.30  |  |      | JP            | EAR99     | Daishinku (KDS)                     | Crystal oscillator
    14240533   | 8   | EA | 0.30  |  |      | JP            | EAR99     | Japan Aviation Electronics          | Board-to-board connector
    14240561   | 2   | EA | 0.35  |  |      | JP            | EAR99     | Hirose                              | Board-to-board connector, 0.35 mm pitch
    39819999   | 1   | EA | 11.40 |  |      |               | EAR99     |                                     | Misc. ICs and discretes (unattributed in teardown)
  02352PMX     | 1   | EA |       |  |      | CN            | EAR99     | Huawei                              | Camera module assembly
    23060071   | 1   | EA | 15.15 |  |      | JP            | EAR99     | Sony                                | Rear camera, 40 MP main
    23060072   | 1   | EA | 7.60  |  |      | JP            | EAR99     | Sony                                | Rear camera, 8 MP periscope
    23060073   | 1   | EA | 3.04  |  |      | JP            | EAR99     | Sony                                | Rear camera, 20 MP ultra-wide
    23060074   | 1   | EA | 4.76  |  |      | JP            | EAR99     | Sony                                | ToF camera
    23060075   | 1   | EA | 12.16 |  |      | JP            | EAR99     | Sony                                | Front camera, 32 MP
    23060101   | 2   | EA | 1.85  |  |      | JP            | EAR99     | Mitsumi                             | OIS actuator
    02350FLX   | 1   | EA |       |  |      | CN            | EAR99     | Huawei                              | Board-to-board flex harness sub-assembly
      0143001  | 1   | EA | 0.32  |  |      | CN            | EAR99     | Chinese FPC maker                   | Flexible printed circuit
      14240561 | 2
  02352PNA     | 1   | EA |       |  |      | CN            | EAR99     | Huawei                              | Display assembly
    02120991   | 1   | EA | 84.00 |  |      | CN            | EAR99     | BOE                                 | OLED display, 6.47 in
    02120992   | 1   | EA | 2.70  |  |      | US            | EAR99     | Corning                             | Cover glass
    02120993   | 1   | EA | 3.00  |  |      | Japan         | EAR99     | Alps Alpine                         | Touch panel
    02120994   | 1   | EA | 2.30  |  |      | CN            | EAR99     | Goodix                              | Touch panel (controller)
    02120995   | 1   | EA | 5.00  |  |      | China         | EAR99     | Chinese maker (unnamed in teardown) | Fingerprint sensor, in-display
    02350FLX   | 1
  24022789     | 1   | EA | 8.00  |  |      | CN            | EAR99     | Amperex Technology (ATL, TDK)       | Li-ion battery, 4200 mAh (teardown lists Hong Kong; entered as CN)
  51661MKT     | 1   | EA |       |  |      | CN            | EAR99     | Huawei                              | Housing assembly
    51661801   | 1   | EA | 20.00 |  |      | TW            | EAR99     | Taiwanese maker (unnamed in teardown) | Body panel, glass back
    51661802   | 1   | EA | 3.00  |  |      | TW            | EAR99     | Taiwanese maker (unnamed in teardown) | Body cover, middle frame
    22030117   | 1   | EA | 1.25  |  |      | CN            | EAR99     | AAC Technologies                    | Loudspeaker and receiver
    22030201   | 1   | EA | 1.20  |  |      | JP            | EAR99     | Nidec                               | Linear vibration motor
    51661930   | 1   | EA | 0.85  |  |      | JP            | EAR99     | Panasonic                           | Thermal graphite sheet
    0143001    | 1
    51669990   | 1   | EA | 6.25  |  |      |               | EAR99     |                                     | Shield cans, brackets, screws, adhesives (unattributed in teardown)
    51669991   | 1   | EA | 4.15  |  |      |               | EAR99     |                                     | Flex cables, gaskets and tapes (unattributed in teardown)
    51669992   | 1   | EA | 3.50  |  |      |               | EAR99     |                                     | SIM tray, buttons and seals (unattributed in teardown)
"""

# ---------------------------------------------------------------------------------------------
# (b) 5G massive-MIMO radio unit: controlled US content for China > 25 % of the selling price.
#     Everything is invented (companies, part numbers, prices, ECCNs).
# ---------------------------------------------------------------------------------------------

RU5G64T = """
RU-5G-64T      | 1  | EA  |         | 21500.00 |  | VN            | 5A002.a   | Lotus Radio Systems           | 5G NR massive-MIMO radio unit, 64T64R, n78
  DB-64T-01    | 1  | EA  |         |          |  | VN            | 5A002.a   | Lotus Radio Systems           | Digital baseband / fronthaul board assembly
    71-3001-07 | 2  | EA  | 2150.00 |          |  | US            | 3A001.a.7 | Sierra Logic Inc.             | FPGA, 16 nm, 2.5 M logic cells, 32.75 Gb/s transceivers
    71-3050-02 | 1  | EA  | 1180.00 |          |  | United States | 5A002.a   | Keystone Secure Systems Inc.  | Encryption module, MACsec / IPsec fronthaul
    71-3100-11 | 8  | EA  | 14.00   |          |  | US            | 3A991     | Snake River Memory Inc.       | DDR4 SDRAM, 8 Gb
    71-3120-04 | 2  | EA  | 42.00   |          |  | US            | 3A991     | Lone Star Analog Inc.         | Clock jitter cleaner / synthesizer
    71-3200-01 | 2  | EA  | 39.00   |          |  | CN            | 5A991     | Wuhan Photonics Co.           | SFP28 25G optical transceiver, fronthaul
    71-3300-16 | 1  | EA  | 260.00  |          |  | Taiwan        | EAR99     | Formosa Circuits              | Digital board PCB, 16-layer
    71-3400-00 | 1  | KIT | 85.00   |          |  | Japan         | EAR99     | Kansai Capacitor KK           | Passives kit, digital board (MLCC, resistors, inductors)
    PWR-POL-12 | 1  | EA  |         |          |  | VN            | EAR99     | Lotus Radio Systems           | Point-of-load power sub-assembly, 48 V to 12 V
      0048120  | 1  | EA  | 95.00   |          |  | USA           | EAR99     | Granite Power Inc.            | Power module, 48 V to 12 V, 600 W
      0048131  | 6  | EA  | 1.80    |          |  | JP            | EAR99     | Kansai Capacitor KK           | Bulk capacitor, polymer, 470 uF
      0048140  | 1  | EA  | 14.00   |          |  | TW            | EAR99     | Formosa Circuits              | POL PCB, 8-layer
  TRX-64T-02   | 1  | EA  |         |          |  | VN            | 5A991     | Lotus Radio Systems           | Transceiver and power amplifier board assembly
    72-4010-03 | 16 | EA  | 118.00  |          |  | USA           | 3A991     | Lone Star Analog Inc.         | RF transceiver, 4T4R, 75 MHz-6 GHz
    PAP-8-N78  | 8  | EA  |         |          |  | VN            | 5A991     | Lotus Radio Systems           | Power amplifier pallet, 8 channels, 3.5 GHz
      72-4100-01 | 8 | EA | 38.50   |          |  | US            | 3A001.b.2 | Cascade RF Devices Inc.       | GaN MMIC power amplifier, 3.4-3.8 GHz
      72-4120-02 | 8 | EA | 3.85    |          |  | JP            | EAR99     | Hokuriku Ferrite KK           | Circulator, SMD, 3.5 GHz
      72-4130-05 | 8 | EA | 2.10    |          |  | NL            | EAR99     | Eindhoven RF B.V.             | Driver amplifier, LDMOS
      72-4190-01 | 1 | EA | 22.00   |          |  | TW            | EAR99     | Formosa Circuits              | PA pallet PCB, RO4350
    72-4300-12 | 1  | EA  | 340.00  |          |  | TW            | EAR99     | Formosa Circuits              | Transceiver board PCB, 12-layer
    PWR-POL-12 | 1
  FLT-ANT-64   | 1  | EA  |         |          |  | CN            | EAR99     | Lotus Radio Systems           | Filter and antenna assembly
    00591-04   | 64 | EA  | 9.80    |          |  | CN            | EAR99     | Suzhou Ceramics Co.           | Ceramic dielectric filter, n78
    73-5010-01 | 1  | EA  | 1120.00 |          |  | China         | EAR99     | Shenzhen Antenna Co.          | Antenna array, 64T64R, 192 dual-polarised elements
    73-5020-01 | 1  | EA  | 185.00  |          |  | CN            | EAR99     | Shenzhen Antenna Co.          | Calibration network
  MECH-64T     | 1  | EA  |         |          |  | CN            | EAR99     | Lotus Radio Systems           | Mechanical assembly
    74-6001-03 | 1  | EA  | 540.00  |          |  | CN            | EAR99     | Dongguan Diecast Co.          | Housing, die-cast aluminium heat sink
    74-6002-01 | 1  | EA  | 165.00  |          |  | CN            | EAR99     | Dongguan Diecast Co.          | Radome
    74-6010-04 | 4  | EA  | 19.50   |          |  | US            | EAR99     | Wallingford Interconnect Inc. | Connector, -48 V DC power, IP67
    74-6011-02 | 2  | EA  | 18.40   |          |  | DE            | EAR99     | Westfalen Steckverbinder GmbH | Connector, circular, AISG
    74-6020-01 | 1  | KIT | 12.60   |          |  | CN            | EAR99     | Dongguan Diecast Co.          | Gasket and seal kit
  75-7001-02   | 1  | EA  | 310.00  |          |  | CN            | EAR99     | Hangzhou Power Co.            | Power supply unit, -48 V DC input
"""

# ---------------------------------------------------------------------------------------------
# (c) Edge router: controlled US content for China between 10 % and 25 % of the selling price;
#     over 25 % once the US tech (patent royalty) value is added. Everything is invented.
# ---------------------------------------------------------------------------------------------

RTR_E200 = """
RTR-E200       | 1 | EA  |        | 4800.00 |        | TW            | 5A002.a   | Formosa Networks              | Edge router, 2RU, 8 x 100G + 48 x 10G
  20-1187-03   | 1 | EA  |        |         |        | TW            | 5A002.a   | Formosa Networks              | Main board assembly
    20-1190-01 | 1 | EA  |        |         |        | TW            | 5A992.c   | Formosa Networks              | Control-plane CPU sub-assembly
      0062-0001 | 1 | EA | 285.00 |         |        | US            | 5A992.c   | Bayshore Processors Inc.      | CPU, x86, 8-core, embedded
      0062-0010 | 2 | EA | 38.00  |         |        | KR            | EAR99     | Hanbit Memory Co.             | DDR4 SO-DIMM, 16 GB
      0062-0020 | 1 | EA | 42.00  |         |        | TW            | 5A992.c   | Hsinchu Storage Corp.         | M.2 SSD, 128 GB
      0062-0030 | 1 | EA | 18.00  |         |        | TW            | EAR99     | Formosa Circuits              | CPU module PCB
    0063-0001  | 1 | EA  | 520.00 |         | 260.00 | US            | 5A002.a   | Keystone Secure Systems Inc.  | Security processor, IPsec / MACsec 100G (US Tech Value = US patent licence royalty, illustrative)
    0063-0010  | 1 | EA  | 410.00 |         | 125.00 | United States | 5A991     | Sunnyvale Silicon Inc.        | Switch ASIC, 2.0 Tb/s (US Tech Value = US patent licence royalty, illustrative)
    0063-0020  | 1 | EA  | 345.00 |         |        | US            | 3A001.a.7 | Sierra Logic Inc.             | FPGA, timing and packet processing
    0063-0030  | 8 | EA  | 9.50   |         |        | US            | 3A991     | Snake River Memory Inc.       | DDR4 SDRAM, 8 Gb
    0063-0100  | 1 | EA  | 165.00 |         |        | TW            | EAR99     | Formosa Circuits              | Main board PCB, 20-layer
    0063-0200  | 1 | KIT | 48.00  |         |        | JP            | EAR99     | Kansai Capacitor KK           | Passives kit, main board
    20-1250-01 | 1 | EA  |        |         |        | TW            | EAR99     | Formosa Networks              | Point-of-load power sub-assembly
      0061-0042 | 1 | EA | 6.40   |         |        | USA           | EAR99     | Lone Star Analog Inc.         | Digital multiphase controller, PMBus
      0061-0043 | 4 | EA | 3.10   |         |        | CN            | EAR99     | Shenzhen Power Semi Co.       | Power stage, 60 A
      0061-0044 | 4 | EA | 0.80   |         |        | JP            | EAR99     | Kansai Capacitor KK           | Power inductor, 150 nH
      0061-0045 | 1 | EA | 7.50   |         |        | TW            | EAR99     | Formosa Circuits              | POL PCB, 6-layer
  20-1201-02   | 1 | EA  |        |         |        | TW            | 5A991     | Formosa Networks              | I/O board assembly
    0064-0001  | 6 | EA  | 28.00  |         |        | TW            | 5A991     | Hsinchu Networking Corp.      | 10G Ethernet PHY, quad
    0064-0010  | 1 | EA  | 85.00  |         |        | TW            | EAR99     | Formosa Circuits              | I/O board PCB, 14-layer
    0064-0020  | 4 | EA  | 6.00   |         |        | CN            | EAR99     | Dongguan Interconnect Co.     | SFP+ cage, 2 x 12 ganged
    20-1250-01 | 1
  20-1300-01   | 1 | EA  |        |         |        | CN            | EAR99     | Formosa Networks              | Chassis assembly
    0065-0001  | 1 | EA  | 145.00 |         |        | CN            | EAR99     | Dongguan Metalworks Co.       | Chassis, 2RU, sheet metal
    20-1310-01 | 1 | EA  |        |         |        | CN            | EAR99     | Formosa Networks              | Fan tray sub-assembly
      0065-0101 | 4 | EA | 11.00  |         |        | TW            | EAR99     | Taichung Fans Corp.           | Fan, 40 mm, PWM
      0065-0110 | 1 | EA | 6.00   |         |        | CN            | EAR99     | Dongguan Metalworks Co.       | Fan controller PCB
    0065-0200  | 2 | EA  | 62.00  |         |        | TW            | EAR99     | Taoyuan Power Corp.           | Power supply, 650 W AC, hot-swap
    0065-0300  | 1 | EA  | 22.00  |         |        | CN            | EAR99     | Dongguan Metalworks Co.       | Front bezel
"""

# ---------------------------------------------------------------------------------------------
# (d) broken_edges.csv, written as is. P1 is fine; P2's structure contains the cycle
#     P2-A -> P2-B -> P2-C -> P2-A (rows 8-10); P3 has a non-numeric quantity ("two", row 14)
#     and the edge P3-B -> P3-S given twice with different quantities (rows 16, 17). Invented.
# ---------------------------------------------------------------------------------------------

BROKEN_CSV = """\
Parent,Part Number,Description,Qty,UoM,Unit Cost,Currency,Country of Origin,ECCN
,P1,Sensor hub (valid structure),1,EA,,,DE,EAR99
P1,P1-100,Hub PCBA,1,EA,,,DE,EAR99
P1-100,00732-10,Microcontroller,1,EA,4.20,USD,US,3A991
P1-100,P1-102,Enclosure,1,EA,2.10,USD,CN,EAR99
,P2,Gateway (structure contains a cycle),1,EA,,,DE,EAR99
P2,P2-A,Assembly A,1,EA,,,DE,EAR99
P2-A,P2-B,Assembly B,2,EA,,,DE,EAR99
P2-B,P2-C,Assembly C,1,EA,,,DE,EAR99
P2-C,P2-A,Assembly A,1,EA,,,DE,EAR99
P2-C,P2-201,Resistor,4,EA,0.02,USD,JP,EAR99
,P3,Controller (bad quantity; conflicting edge),1,EA,,,DE,EAR99
P3,P3-A,Power board,1,EA,,,DE,EAR99
P3-A,P3-301,Capacitor,two,EA,0.15,USD,JP,EAR99
P3,P3-B,I/O board,1,EA,,,DE,EAR99
P3-B,P3-S,Sensor sub-assembly,2,EA,,,DE,EAR99
P3-B,P3-S,Sensor sub-assembly,3,EA,,,DE,EAR99
P3-S,P3-302,Sensor IC,1,EA,3.50,USD,USA,EAR99
"""

# ---------------------------------------------------------------------------------------------
# Expected figures (quoted in samples/README.md); the build stops if a roll-up differs.
# ---------------------------------------------------------------------------------------------

EXPECTED = {
    "p30pro": {
        "total": Decimal("363.83"),
        "us": Decimal("59.36"),
        "controlled": Decimal("0"),
        "tech": Decimal("7.50"),
    },
    "ru5g64t": {
        "total": Decimal("14662.00"),
        "us": Decimal("10296.00"),
        "controlled": Decimal("7944.00"),
        "tech": Decimal("0"),
    },
    "rtr_e200": {
        "total": Decimal("2662.00"),
        "us": Decimal("1648.80"),
        "controlled": Decimal("865.00"),
        "tech": Decimal("385.00"),
    },
}

#: Teardown table (origin -> US$) and what the sample can hit; see samples/README.md.
P30PRO_BY_ORIGIN = {
    "CN": Decimal("138.61"),  # teardown 138.61 (includes the ATL battery, Hong Kong -> CN)
    "JP": Decimal("83.55"),  # teardown 83.71; 0.16 less because of Korea, below
    "US": Decimal("59.36"),  # teardown 59.36
    "TW": Decimal("28.85"),  # teardown 28.85
    "KR": Decimal("28.16"),  # teardown 28.00, but the Samsung NAND alone is listed at 28.16
    "": Decimal("25.30"),  # not attributed by the teardown table
}


# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------


def check(condition: bool, message: str) -> None:
    """Stop the build with ``message`` when ``condition`` is false."""
    if not condition:
        raise SystemExit(f"sample check failed: {message}")


def origin_code(text: str) -> str:
    """ISO-2 code for the origin spellings used in the samples; '' when empty."""
    s = text.strip().upper()
    if s in _US_FORMS:
        return "US"
    return _ORIGIN_NAMES.get(s, s)


def money(text: str) -> Decimal | None:
    return Decimal(text) if text else None


@dataclass(frozen=True)
class Part:
    """One distinct part: product, assembly or purchased part."""

    pn: str
    desc: str
    uom: str
    cost: Decimal | None  #: unit cost; purchased parts (leaves) only
    price: Decimal | None  #: selling price; product row only
    tech: Decimal | None  #: US technology / patent value per unit
    origin: str
    eccn: str
    mfr: str
    currency: str = "USD"

    @property
    def has_money(self) -> bool:
        return self.cost is not None or self.price is not None or self.tech is not None


@dataclass
class Product:
    """A product: its parts and its structure (parent -> ordered list of (child, qty))."""

    name: str  #: file stem
    title: str  #: second title row of the xlsx
    root: str
    parts: dict[str, Part] = field(default_factory=dict)
    children: dict[str, list[tuple[str, Decimal]]] = field(default_factory=dict)

    def walk(self) -> Iterator[tuple[int, str, Decimal]]:
        """Depth-first (level, part number, qty per parent); shared sub-assemblies in full."""

        def visit(pn: str, level: int, qty: Decimal) -> Iterator[tuple[int, str, Decimal]]:
            yield level, pn, qty
            for child, child_qty in self.children.get(pn, []):
                yield from visit(child, level + 1, child_qty)

        yield from visit(self.root, 0, Decimal(1))

    def edges(self) -> list[tuple[str, str, Decimal]]:
        """Distinct (parent, child, qty) edges in first-seen depth-first order."""
        out: list[tuple[str, str, Decimal]] = []
        done: set[str] = set()
        for _, pn, _ in self.walk():
            if pn not in done:
                done.add(pn)
                out.extend((pn, child, qty) for child, qty in self.children.get(pn, []))
        return out

    def part_order(self) -> list[str]:
        """Distinct part numbers in first-seen depth-first order."""
        return list(dict.fromkeys(pn for _, pn, _ in self.walk()))


def parse_table(name: str, title: str, text: str) -> Product:
    """Build a :class:`Product` from one of the indented BOM tables above."""
    lines = [line for line in text.splitlines() if line.strip()]
    parts: dict[str, Part] = {}
    children: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    stack: list[str] = []  # part number at each level on the current path
    reuse_level: int | None = None  # level of the last re-used sub-assembly line
    for number, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(" "))
        check(indent % 2 == 0, f"{name}: odd indentation in {line!r}")
        level = indent // 2
        cells = [c.strip() for c in line.split("|")]
        pn, qty = cells[0], Decimal(cells[1])
        check((level == 0) == (number == 0), f"{name}: exactly one product row (at {pn})")
        check(level <= len(stack), f"{name}: level jump at {pn}")
        check(reuse_level is None or level <= reuse_level, f"{name}: lines under re-used {pn}")
        reuse_level = None
        del stack[level:]
        if len(cells) == 2:
            check(pn in parts, f"{name}: re-used part {pn} not defined above")
            reuse_level = level
        else:
            check(len(cells) == 10, f"{name}: expected 10 cells in {line!r}")
            check(pn not in parts, f"{name}: part {pn} defined twice")
            _, _, uom, cost, price, tech, origin, eccn, mfr, desc = cells
            parts[pn] = Part(pn, desc, uom, money(cost), money(price), money(tech), origin,
                             eccn, mfr)  # fmt: skip
        if stack:
            children[stack[-1]].append((pn, qty))
        stack.append(pn)
    return Product(name, title, lines[0].split("|")[0].strip(), parts, dict(children))


# ---------------------------------------------------------------------------------------------
# Roll-up (Decimal, through every level)
# ---------------------------------------------------------------------------------------------


@dataclass
class Figures:
    total_cost: Decimal
    us_origin: Decimal
    controlled_cn: Decimal
    us_tech: Decimal
    unknown_origin: Decimal
    by_origin: dict[str, Decimal]
    selling_price: Decimal | None

    @property
    def denominator(self) -> Decimal:
        return self.selling_price if self.selling_price is not None else self.total_cost

    @property
    def denominator_basis(self) -> str:
        return "selling_price" if self.selling_price is not None else "rolled_up_cost"

    def ratio(self, *, with_tech: bool = False) -> Decimal:
        numerator = self.controlled_cn + (self.us_tech if with_tech else 0)
        return numerator / self.denominator


def is_controlled_to_china(part: Part) -> bool:
    return origin_code(part.origin) == "US" and part.eccn[:5] in CONTROLLED_TO_CHINA


def leaf_quantities(product: Product) -> dict[str, Decimal]:
    """Total (extended) quantity of every purchased part in one product."""
    extended: dict[str, Decimal] = defaultdict(Decimal)
    path_qty: list[Decimal] = []
    for level, pn, qty in product.walk():
        del path_qty[level:]
        path_qty.append(qty * (path_qty[-1] if path_qty else 1))
        if pn not in product.children:
            extended[pn] += path_qty[-1]
    return dict(extended)


def roll_up(product: Product) -> Figures:
    by_origin: dict[str, Decimal] = defaultdict(Decimal)
    total = us = controlled = tech = unknown = Decimal(0)
    for pn, ext in leaf_quantities(product).items():
        part = product.parts[pn]
        check(part.cost is not None, f"{product.name}: purchased part {pn} has no unit cost")
        value = ext * (part.cost or 0)
        code = origin_code(part.origin)
        total += value
        by_origin[code] += value
        unknown += value if code == "" else 0
        us += value if code == "US" else 0
        controlled += value if is_controlled_to_china(part) else 0
        tech += ext * (part.tech or 0)
    return Figures(
        total, us, controlled, tech, unknown, dict(by_origin), product.parts[product.root].price
    )


def check_product(product: Product) -> None:
    """Conventions every sample product follows (see the task brief and README)."""
    depth = max(level for level, _, _ in product.walk())
    check(depth >= 3, f"{product.name}: only {depth} levels below the product")
    parents: dict[str, set[str]] = defaultdict(set)
    for parent, child, _ in product.edges():
        parents[child].add(parent)
    shared = [pn for pn, ps in parents.items() if len(ps) > 1 and pn in product.children]
    check(bool(shared), f"{product.name}: no sub-assembly shared by two parents")
    for pn, part in product.parts.items():
        is_assembly = pn in product.children
        check(is_assembly == (part.cost is None), f"{product.name}: {pn} cost vs assembly")
        check(not (is_assembly and part.tech is not None), f"{product.name}: tech on {pn}")
        check(pn == product.root or part.price is None, f"{product.name}: price on {pn}")
        check(bool(part.eccn), f"{product.name}: {pn} has no ECCN")


def check_p30pro(product: Product, fig: Figures) -> None:
    cost = {pn: p.cost or Decimal(0) for pn, p in product.parts.items()}
    check(fig.by_origin == P30PRO_BY_ORIGIN, f"p30pro by origin {fig.by_origin}")
    priced_us = cost["40960012"] + cost["47190188"] + cost["47190201"] + cost["02120992"]
    check(priced_us == Decimal("54.66"), f"p30pro: priced US parts {priced_us}, not 54.66")
    rest = cost["39811004"] + cost["00417-22"] + cost["00417-31"]
    check(rest == Decimal("4.70"), f"p30pro: large-IC US part + Cirrus + TI = {rest}, not 4.70")
    large_ic = cost["39811004"] + cost["39811005"]
    check(large_ic == Decimal("9.00"), f"p30pro: large IC parts sum to {large_ic}, not 9.00")
    check(fig.selling_price is None, "p30pro must have no selling price")
    for p in product.parts.values():
        if p.origin == "":
            check(p.eccn == "EAR99" and UNATTRIBUTED in p.desc, f"p30pro: empty origin {p.pn}")


def check_broken() -> list[str]:
    """Find the problems broken_edges.csv is meant to show; return report lines."""
    rows = list(csv.DictReader(io.StringIO(BROKEN_CSV)))
    children: dict[str, list[str]] = defaultdict(list)
    edge_rows: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    bad_qty: list[tuple[int, str, str]] = []
    for row_number, row in enumerate(rows, start=2):  # 1-based, header is row 1
        try:
            Decimal(row["Qty"])
        except InvalidOperation:
            bad_qty.append((row_number, row["Part Number"], row["Qty"]))
        if row["Parent"]:
            children[row["Parent"]].append(row["Part Number"])
            edge_rows[(row["Parent"], row["Part Number"])].append((row_number, row["Qty"]))
    conflicts = {e: r for e, r in edge_rows.items() if len({q for _, q in r}) > 1}

    def find_cycle(pn: str, path: list[str]) -> list[str]:
        if pn in path:
            return path[path.index(pn) :] + [pn]
        for child in children.get(pn, []):
            found = find_cycle(child, path + [pn])
            if found:
                return found
        return []

    roots = [row["Part Number"] for row in rows if not row["Parent"]]
    cycles = {root: find_cycle(root, []) for root in roots}
    check(roots == ["P1", "P2", "P3"], f"broken: roots {roots}")
    check(
        cycles == {"P1": [], "P2": ["P2-A", "P2-B", "P2-C", "P2-A"], "P3": []},
        f"broken: cycles {cycles}",
    )
    check(bad_qty == [(14, "P3-301", "two")], f"broken: bad quantities {bad_qty}")
    check(conflicts == {("P3-B", "P3-S"): [(16, "2"), (17, "3")]}, f"broken: {conflicts}")
    p1_leaves = [r for r in rows if r["Parent"] == "P1-100"]
    p1_total = sum(Decimal(r["Unit Cost"]) * Decimal(r["Qty"]) for r in p1_leaves)
    p1_us = sum(
        Decimal(r["Unit Cost"]) for r in p1_leaves if origin_code(r["Country of Origin"]) == "US"
    )
    check((p1_total, p1_us) == (Decimal("6.30"), Decimal("4.20")), f"broken: P1 {p1_total} {p1_us}")
    return [
        "broken_edges.csv: products P1, P2, P3",
        f"  P1: total {p1_total} USD, US-origin {p1_us} USD, controlled to China 0 USD",
        f"  P2: cycle {' -> '.join(cycles['P2'])} (edges on rows 8, 9, 10)",
        f"  P3: non-numeric quantity {bad_qty[0][2]!r} on row {bad_qty[0][0]} (part {bad_qty[0][1]})",
        "  P3: edge P3-B -> P3-S on rows 16 and 17 with quantities 2 and 3",
    ]


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------


def text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def cell_number(value: Decimal | None) -> int | float | None:
    """Whole quantities as int, money as float (its shortest repr is the decimal text)."""
    if value is None:
        return None
    return int(value) if value.as_tuple().exponent == 0 else float(value)


def save_workbook_deterministic(wb: Workbook, path: Path) -> None:
    """Save ``wb`` with fixed document properties and fixed zip entry dates."""
    wb.properties.creator = "bomtrace samples/build_samples.py"
    wb.properties.lastModifiedBy = "bomtrace samples/build_samples.py"
    wb.properties.created = WORKBOOK_TIME
    wb.properties.modified = WORKBOOK_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()  # save_workbook() would stamp "modified" = now
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    path.write_bytes(out.getvalue())


def write_xlsx(product: Product, path: Path) -> None:
    """Indented BOM: title block on rows 1-2, row 3 blank, header on row 4."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new Workbook always has one sheet
    ws.title = "BOM"
    ws.cell(row=1, column=1, value="Multi-level BOM report (indented)").font = Font(
        bold=True, size=13
    )
    ws.cell(row=2, column=1, value=product.title).font = Font(italic=True)
    header_row = 4
    for col, name in enumerate(XLSX_HEADER, start=1):
        head = ws.cell(row=header_row, column=col, value=name)
        head.font = Font(bold=True)
        head.fill = PatternFill("solid", fgColor="DDEBF7")
    for row, (level, pn, qty) in enumerate(product.walk(), start=header_row + 1):
        p = product.parts[pn]
        values: list[str | int | float | None] = [
            level, pn, p.desc, cell_number(qty), p.uom, cell_number(p.cost),
            p.currency if p.has_money else None, p.origin or None, p.eccn or None,
            p.mfr or None, cell_number(p.price), cell_number(p.tech),
        ]  # fmt: skip
        for col, value in enumerate(values, start=1):
            c = ws.cell(row=row, column=col, value=value)
            if level == 0:
                c.font = Font(bold=True)
            if col == 2:  # part numbers are text cells (leading zeros)
                c.data_type = "s"
                c.number_format = "@"
                c.alignment = Alignment(indent=level)
            elif col in (6, 11, 12) and value is not None:
                c.number_format = "#,##0.00##"
    for col, width in enumerate(XLSX_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"A{header_row + 1}"
    save_workbook_deterministic(wb, path)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_parent_child(product: Product, directory: Path) -> None:
    edges = [[parent, child, text(qty)] for parent, child, qty in product.edges()]
    write_csv(directory / f"{product.name}_edges.csv", EDGES_HEADER, edges)
    parts = []
    for pn in product.part_order():
        p = product.parts[pn]
        currency = p.currency if p.has_money else ""
        parts.append([pn, p.desc, text(p.cost), currency, p.origin, p.eccn, p.mfr,
                      text(p.price), text(p.tech)])  # fmt: skip
    write_csv(directory / f"{product.name}_parts.csv", PARTS_HEADER, parts)


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def usd(x: Decimal) -> str:
    return str(x.quantize(Decimal("0.01")))


def pct(x: Decimal) -> str:
    return f"{(x * 100).quantize(Decimal('0.01'))}%"


def verdict(ratio: Decimal, threshold: Decimal) -> str:
    return "subject" if ratio > threshold else "not subject"


def report(product: Product, fig: Figures) -> list[str]:
    shares = ", ".join(f"{k or '(empty)'} {usd(v)}" for k, v in sorted(fig.by_origin.items()))
    ratio, with_tech = fig.ratio(), fig.ratio(with_tech=True)
    return [
        f"{product.name}: product {product.root}; {sum(1 for _ in product.walk())} indented "
        f"lines, {len(product.parts)} distinct parts, {len(product.edges())} edges",
        f"  total rolled-up cost      {usd(fig.total_cost):>9} USD",
        f"  US-origin value           {usd(fig.us_origin):>9} USD",
        f"  controlled to China       {usd(fig.controlled_cn):>9} USD",
        f"  US tech value (rolled up) {usd(fig.us_tech):>9} USD",
        f"  unknown-origin value      {usd(fig.unknown_origin):>9} USD",
        f"  denominator               {usd(fig.denominator):>9} USD ({fig.denominator_basis})",
        f"  controlled / denominator  {pct(fig.ratio()):>9}  at 25%: {verdict(ratio, THRESHOLD_IN_FORCE)};"
        f" at 10%: {verdict(ratio, THRESHOLD_WHAT_IF)}",
        f"  US-origin / denominator   {pct(fig.us_origin / fig.denominator):>9}",
        f"  (controlled + tech) / den.{pct(with_tech):>9}  at 25%: {verdict(with_tech, THRESHOLD_IN_FORCE)}",
        f"  by origin: {shares}",
    ]


def main() -> int:
    products = [
        parse_table("p30pro", "Product: VOG-L29-128 Smartphone, P30 Pro class "
                    "(teardown-based: Nikkei Asian Review / Fomalhaut, June 2019)", P30PRO),
        parse_table("ru5g64t", "Product: RU-5G-64T 5G NR massive-MIMO radio unit, 64T64R "
                    "(illustrative)", RU5G64T),
        parse_table("rtr_e200", "Product: RTR-E200 Edge router (illustrative)", RTR_E200),
    ]  # fmt: skip
    PC_DIR.mkdir(parents=True, exist_ok=True)
    for product in products:
        check_product(product)
        fig = roll_up(product)
        exp = EXPECTED[product.name]
        got = {"total": fig.total_cost, "us": fig.us_origin, "controlled": fig.controlled_cn,
               "tech": fig.us_tech}  # fmt: skip
        check(got == exp, f"{product.name}: got {got}, expected {exp}")
        if product.name == "p30pro":
            check_p30pro(product, fig)
        elif product.name == "ru5g64t":
            check(Decimal("0.35") <= fig.ratio() <= Decimal("0.40"), "ru5g64t ratio")
            check(fig.us_origin > fig.controlled_cn, "ru5g64t: US-origin must exceed controlled")
        elif product.name == "rtr_e200":
            check(Decimal("0.17") <= fig.ratio() <= Decimal("0.19"), "rtr_e200 ratio")
            check(fig.ratio(with_tech=True) > THRESHOLD_IN_FORCE, "rtr_e200 ratio with tech")
        write_xlsx(product, HERE / f"{product.name}.xlsx")
        write_parent_child(product, PC_DIR)
        print("\n".join(report(product, fig)))
    (HERE / "broken_edges.csv").write_text(BROKEN_CSV, encoding="utf-8", newline="")
    print("\n".join(check_broken()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
