"""`neurocheck grade`: the grading engine on the command line (a fixed contract, written in
bot/clinical/README.md, "The grading command").

A clinician, a pharmacist or a validation script checks the engine's grading without
Telegram: one JSON assessment (or an array of them) on standard input, the grades as JSON on
standard output. This module is only an adapter: it validates and translates JSON into
`bot.clinical` values and back; every rule lives in `bot.clinical`.

Invalid input exits with status 2 and ONE line on standard error naming the offending field
(with its array index, e.g. `[1].ice.naming`) and the allowed values; nothing is written to
standard output, so a validation script never reads half an answer.

Choices where the contract is silent (each the stricter, safer reading):

- Duplicate keys in an object are rejected (JSON would silently keep the last one).
- `NaN`/`Infinity` are rejected; numbers must be finite.
- `age_years` and `date_of_birth` together must agree on `assessed_on`.
- `date_of_birth` after `assessed_on` is rejected; so is a computed age outside 0-130.
- Every `ice` key is required: a missing item must never count as correct or wrong.
- Giving `ice` for a CAPD assessment or `capd` for an ICE assessment is rejected, unless the
  patient is unarousable (then both are ignored, as the contract says): silently ignoring
  answers the caller believed were graded would mislead.
- In `crs`, `temperature_c` is required (a CRS grade needs a temperature) and must be
  25-45 (catches Fahrenheit entered as Celsius); `fever_treated` defaults to false,
  `hypotension` and `oxygen` to "none".
- Dates must be written exactly `YYYY-MM-DD`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, TextIO

from bot.cli.grade_json import (
    E,
    InputError,
    fail,
    json_type,
    key_path,
    load,
    read_boolean,
    read_date,
    read_enum,
    read_enum_list,
    read_enum_set,
    read_integer,
    read_number,
    read_object,
    shown,
    values,
)
from bot.clinical import (
    RULESET_VERSION,
    Assessment,
    CapdAnswer,
    CapdAnswers,
    Consciousness,
    CrsInput,
    CrsResult,
    Domain,
    Hypotension,
    IcansResult,
    IceAnswers,
    IcpFinding,
    ItemAnswer,
    MotorFinding,
    Oxygen,
    Seizure,
    Tool,
    age_on,
    grade_crs,
    grade_icans,
    tool_for_age,
)
from bot.clinical.capd import CAPD_QUESTIONS
from bot.clinical.ice import NAMING_ITEMS

EXIT_OK: Final = 0
EXIT_INVALID: Final = 2

MIN_AGE_YEARS: Final = 0
MAX_AGE_YEARS: Final = 130
MIN_TEMPERATURE_C: Final = 25.0
MAX_TEMPERATURE_C: Final = 45.0
CAPD_NOT_ASSESSABLE: Final = "not_assessable"

ICE_SINGLE_KEYS: Final = ("year", "month", "city", "hospital", "command", "writing", "attention")
ICE_KEYS: Final = (*ICE_SINGLE_KEYS[:4], "naming", *ICE_SINGLE_KEYS[4:])
CRS_KEYS: Final = ("temperature_c", "fever_treated", "hypotension", "oxygen")
TOP_KEYS: Final = (
    "age_years",
    "date_of_birth",
    "assessed_on",
    "tool",
    "consciousness",
    "ice",
    "capd",
    "seizure",
    "motor",
    "icp",
    "attributed_elsewhere",
    "crs",
)

HELP_TEXT: Final = """\
Grade assessments without Telegram: read JSON on standard input, write the grades as JSON
on standard output (one line). Give one object, or an array of objects to get an array of
results in the same order. Exit status 0 on success; 2 on invalid input, with one line on
standard error naming the field and the allowed values (nothing on standard output).

Input keys (an unknown key is an error):
  age_years             integer 0-130; required unless date_of_birth is given
  date_of_birth         "YYYY-MM-DD"; the age is computed on assessed_on
  assessed_on           "YYYY-MM-DD" (default: today)
  tool                  "ice" or "capd": overrides the age rule (ICE from 12 years on)
  consciousness         "alert", "drowsy" (depressed, wakes by itself), "voice", "touch",
                        "unarousable" (default "alert")
  ice                   object with keys "year", "month", "city", "hospital", "command",
                        "writing", "attention", each "correct", "wrong" or
                        "not_assessable", and "naming": a list of exactly 3 such values.
                        Required when the tool is ICE and the patient is not unarousable;
                        ignored when unarousable
  capd                  list of exactly 8 answers in question order, each "never",
                        "rarely", "sometimes", "often" or "always"; or "not_assessable".
                        Required when the tool is CAPD and the patient is not unarousable;
                        ignored when unarousable
  seizure               "none", "resolved_rapidly", "eeg_resolved_with_intervention",
                        "prolonged" (over 5 minutes), "repetitive" (no return to baseline
                        between) (default "none")
  motor                 list of "tremor", "myoclonus", "focal_weakness" (default [])
  icp                   list of "focal_edema", "diffuse_edema", "posturing", "cn6_palsy",
                        "papilledema", "cushing_triad", "hemorrhage" (default [])
  attributed_elsewhere  domains a physician attributed to another cause: list of
                        "consciousness", "seizure", "motor", "icp", "ice" (the ICE/CAPD
                        domain) (default [])
  crs                   optional object:
                          "temperature_c"  number, Celsius 25-45 (required)
                          "fever_treated"  true/false: antipyretic or anti-cytokine
                                           therapy already given (default false)
                          "hypotension"    "none", "fluids_only", "one_vasopressor",
                                           "multiple_vasopressors" (default "none";
                                           vasopressin + one other = "one_vasopressor")
                          "oxygen"         "none", "comfort", "low_flow", "high_flow",
                                           "positive_pressure" (default "none")

Output keys: "tool"; "ice_score" (0-10 or null); "capd_score" (0-32 or null);
"domain_grades" ("ice", "consciousness", "seizure", "motor", "icp": each 0-4 or null);
"icans_grade" (0-4, or null when incomplete and no counted domain is above 0);
"complete" (false: icans_grade means "at least this grade"); "flags" ("tremor",
"myoclonus": when not attributed elsewhere; "hemorrhage": whenever recorded, attributed
elsewhere or not; "not_assessable", "no_fever_untreated"); "crs_grade" (when
crs was given); "ruleset" (version of the grading rules).

Example:
  echo '{"age_years": 45, "seizure": "resolved_rapidly", "ice": {"year": "wrong",
    "month": "wrong", "city": "wrong", "hospital": "wrong",
    "naming": ["correct", "correct", "wrong"], "command": "correct",
    "writing": "wrong", "attention": "wrong"}}' | neurocheck grade
"""


# --- the assessment ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Request:
    assessment: Assessment
    crs: CrsInput | None


def _age(fields: dict[str, object], prefix: str, today: datetime.date) -> int:
    """Age on the assessment day: from date_of_birth when given, else age_years."""
    assessed_on = today
    if "assessed_on" in fields:
        assessed_on = read_date(fields["assessed_on"], key_path(prefix, "assessed_on"))
    stated = None
    if "age_years" in fields:
        stated = read_integer(
            fields["age_years"], key_path(prefix, "age_years"), MIN_AGE_YEARS, MAX_AGE_YEARS
        )
    if "date_of_birth" not in fields:
        if stated is None:
            fail(key_path(prefix, "age_years"), "required unless date_of_birth is given")
        return stated
    dob_field = key_path(prefix, "date_of_birth")
    date_of_birth = read_date(fields["date_of_birth"], dob_field)
    if date_of_birth > assessed_on:
        fail(dob_field, f"{date_of_birth} is after the assessment date {assessed_on}")
    computed = age_on(date_of_birth, assessed_on)
    if computed > MAX_AGE_YEARS:
        fail(dob_field, f"gives age {computed}; expected {MIN_AGE_YEARS}-{MAX_AGE_YEARS}")
    if stated is not None and stated != computed:
        fail(
            key_path(prefix, "age_years"),
            f"{stated} does not match date_of_birth (age {computed} on {assessed_on})",
        )
    return computed


def _ice(value: object, field: str) -> IceAnswers:
    fields = read_object(value, field, ICE_KEYS)

    def present(key: str) -> object:
        if key not in fields:
            fail(key_path(field, key), "missing; every ICE item is required")
        return fields[key]

    def item(key: str) -> ItemAnswer:
        return read_enum(present(key), key_path(field, key), ItemAnswer)

    year, month, city, hospital = item("year"), item("month"), item("city"), item("hospital")
    first, second, third = read_enum_list(
        present("naming"), key_path(field, "naming"), ItemAnswer, NAMING_ITEMS
    )
    return IceAnswers(
        year=year,
        month=month,
        city=city,
        hospital=hospital,
        naming=(first, second, third),
        command=item("command"),
        writing=item("writing"),
        attention=item("attention"),
    )


def _capd(value: object, field: str) -> CapdAnswers:
    if value == CAPD_NOT_ASSESSABLE:
        return CapdAnswers.not_assessable()
    if not isinstance(value, list):
        fail(
            field,
            f"got {shown(value)}; expected a list of exactly {CAPD_QUESTIONS} answers, "
            f'each one of {values(CapdAnswer)}, or "{CAPD_NOT_ASSESSABLE}"',
        )
    return CapdAnswers(items=read_enum_list(value, field, CapdAnswer, CAPD_QUESTIONS))


def _crs(value: object, field: str) -> CrsInput:
    fields = read_object(value, field, CRS_KEYS)
    temperature_field = key_path(field, "temperature_c")
    if "temperature_c" not in fields:
        fail(temperature_field, "missing; a CRS grade needs the temperature in Celsius")
    return CrsInput(
        temperature_c=read_number(
            fields["temperature_c"], temperature_field, MIN_TEMPERATURE_C, MAX_TEMPERATURE_C
        ),
        fever_treated=read_boolean(
            fields.get("fever_treated", False), key_path(field, "fever_treated")
        ),
        hypotension=read_enum(
            fields.get("hypotension", Hypotension.NONE.value),
            key_path(field, "hypotension"),
            Hypotension,
        ),
        oxygen=read_enum(
            fields.get("oxygen", Oxygen.NONE.value), key_path(field, "oxygen"), Oxygen
        ),
    )


def _tool(fields: dict[str, object], prefix: str, age_years: int) -> Tool:
    if "tool" in fields:
        return read_enum(fields["tool"], key_path(prefix, "tool"), Tool)
    return tool_for_age(age_years)


def _cognitive_answers(
    fields: dict[str, object], prefix: str, tool: Tool, consciousness: Consciousness
) -> tuple[IceAnswers | None, CapdAnswers | None]:
    """The ICE or CAPD answers the grade needs: both are validated, at most one is used."""
    ice = _ice(fields["ice"], key_path(prefix, "ice")) if "ice" in fields else None
    capd = _capd(fields["capd"], key_path(prefix, "capd")) if "capd" in fields else None
    if consciousness is Consciousness.UNAROUSABLE:
        return None, None
    needed, unused = ("ice", "capd") if tool is Tool.ICE else ("capd", "ice")
    if unused in fields:
        fail(
            key_path(prefix, unused),
            f'not used when the tool is "{tool}"; remove it or set "tool" to "{unused}"',
        )
    if needed not in fields:
        fail(
            key_path(prefix, needed),
            f'required when the tool is "{tool}" and consciousness is not "unarousable"',
        )
    return (ice, None) if tool is Tool.ICE else (None, capd)


def _request(value: object, prefix: str, today: datetime.date) -> _Request:
    fields = read_object(value, prefix, TOP_KEYS)
    tool = _tool(fields, prefix, _age(fields, prefix, today))

    def read(key: str, kind: type[E], default: E) -> E:
        return read_enum(fields.get(key, default.value), key_path(prefix, key), kind)

    def read_set(key: str, kind: type[E]) -> frozenset[E]:
        return read_enum_set(fields.get(key, []), key_path(prefix, key), kind)

    consciousness = read("consciousness", Consciousness, Consciousness.ALERT)
    ice, capd = _cognitive_answers(fields, prefix, tool, consciousness)
    crs = _crs(fields["crs"], key_path(prefix, "crs")) if "crs" in fields else None
    assessment = Assessment(
        tool=tool,
        consciousness=consciousness,
        ice=ice,
        capd=capd,
        seizure=read("seizure", Seizure, Seizure.NONE),
        motor=read_set("motor", MotorFinding),
        icp=read_set("icp", IcpFinding),
        attributed_elsewhere=read_set("attributed_elsewhere", Domain),
    )
    return _Request(assessment=assessment, crs=crs)


# --- output -----------------------------------------------------------------------------


def _render(result: IcansResult, crs: CrsResult | None) -> dict[str, object]:
    """The contract's keys in the contract's order, then `ruleset`."""
    flags = set(result.flags) | (set(crs.flags) if crs is not None else set())
    output: dict[str, object] = {
        "tool": result.tool.value,
        "ice_score": result.ice_score,
        "capd_score": result.capd_score,
        "domain_grades": {domain.value: result.domain_grades[domain] for domain in Domain},
        "icans_grade": result.icans_grade,
        "complete": result.complete,
        "flags": sorted(flag.value for flag in flags),
    }
    if crs is not None:
        output["crs_grade"] = crs.crs_grade
    output["ruleset"] = RULESET_VERSION
    return output


def _grade_one(request: _Request) -> dict[str, object]:
    crs = grade_crs(request.crs) if request.crs is not None else None
    return _render(grade_icans(request.assessment), crs)


def _requests(document: object, today: datetime.date) -> Iterator[_Request]:
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield _request(item, f"[{index}]", today)
    else:
        yield _request(document, "", today)


def _read(stdin: TextIO) -> str:
    try:
        return stdin.read()
    except UnicodeDecodeError:
        fail("", "not valid UTF-8 text")


def run(stdin: TextIO, stdout: TextIO, stderr: TextIO, *, today: datetime.date) -> int:
    """Grade the JSON on `stdin`; `today` is the default `assessed_on` (this module reads no clock).

    Everything is validated before anything is written, so invalid input leaves stdout empty.
    """
    try:
        document = load(_read(stdin))
        if not isinstance(document, dict | list):
            fail("", f"expected a JSON object or an array of objects, got {json_type(document)}")
        outputs = [_grade_one(request) for request in _requests(document, today)]
    except InputError as error:
        stderr.write(f"neurocheck grade: invalid input: {error}\n")
        return EXIT_INVALID
    payload: object = outputs if isinstance(document, list) else outputs[0]
    stdout.write(json.dumps(payload) + "\n")
    return EXIT_OK


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    grade = sub.add_parser(
        "grade",
        help="grade assessments given as JSON on standard input",
        description=HELP_TEXT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    grade.set_defaults(func=_cmd_grade)


def _cmd_grade(_args: argparse.Namespace) -> int:
    return run(sys.stdin, sys.stdout, sys.stderr, today=datetime.date.today())  # noqa: DTZ011
