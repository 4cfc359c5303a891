"""``deminimis.toml``: 734.4(a) categories, exclusions, tracks and second incorporation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from bomtrace.errors import RulesetError
from bomtrace.rules.controls import DestScope
from bomtrace.rules.dated import Dated, dated
from bomtrace.rules.zero import EccnPattern, ZeroDeMinimis


@dataclass(frozen=True)
class DatedZero:
    """A 734.4(a) category with its validity window."""

    when: Dated
    rule: ZeroDeMinimis


@dataclass(frozen=True)
class Exclusion:
    """Content Supp. No. 2 (a)(1) excludes, marked by a per-part flag."""

    flag: str
    title: str
    destinations: DestScope
    citation: str
    source: str


def dest_scope(raw: dict[str, Any] | None) -> DestScope | None:
    """A :class:`DestScope` from its data form (``all``, ``groups``, ``countries``, ...)."""
    if raw is None:
        return None
    return DestScope(
        all=bool(raw.get("all", False)),
        groups=frozenset(raw.get("groups", [])),
        countries=frozenset(raw.get("countries", [])),
        except_groups=frozenset(raw.get("except_groups", [])),
        except_countries=frozenset(raw.get("except_countries", [])),
    )


def _pattern(raw: dict[str, Any]) -> EccnPattern:
    unknown = set(raw) - {"series", "eccns", "prefixes", "paragraphs", "any", "exclude"}
    if unknown:
        raise RulesetError(f"deminimis.toml: unknown ECCN pattern field(s) {sorted(unknown)}")
    return EccnPattern(
        series=tuple(raw.get("series", [])),
        eccns=tuple(raw.get("eccns", [])),
        prefixes=tuple(raw.get("prefixes", [])),
        paragraphs=tuple(raw.get("paragraphs", [])),
        any=bool(raw.get("any", False)),
        exclude=tuple(raw.get("exclude", [])),
    )


def parse_deminimis(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        zero = []
        for e in raw.get("zero_de_minimis", []):
            when = dated(e, f"zero_de_minimis {e.get('id')}")
            if e["track"] not in ("commodity", "software", "technology", "any"):
                raise RulesetError(f"deminimis.toml {e['id']}: unknown track {e['track']!r}")
            zero.append(
                DatedZero(
                    when,
                    ZeroDeMinimis(
                        id=e["id"],
                        paragraph=e["paragraph"],
                        title=e["title"],
                        content=_pattern(e["content"]),
                        track=e["track"],
                        destinations=cast(DestScope, dest_scope(e["destinations"])),
                        item=_pattern(e["item"]) if "item" in e else None,
                        condition=e.get("condition"),
                        source=e["source"],
                        unsure=when.unsure,
                    ),
                )
            )
        out["zero"] = tuple(zero)
        out["exclusions"] = tuple(
            Exclusion(
                flag=e["flag"],
                title=e["title"],
                destinations=cast(DestScope, dest_scope(e["destinations"])),
                citation=e["citation"],
                source=e["source"],
            )
            for e in raw.get("exclusion", [])
        )
        out["tracks"] = {k: str(v) for k, v in raw["tracks"].items()}
        out["second_incorporation"] = {k: str(v) for k, v in raw["second_incorporation"].items()}
    except KeyError as exc:
        raise RulesetError(f"deminimis.toml: an entry lacks the field {exc}") from exc
    return out
