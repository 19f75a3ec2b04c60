"""`neurocheck grade`, exactly per its contract in bot/clinical/README.md (called in-process)."""

from __future__ import annotations

import datetime
import enum
import io
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cli.grade import HELP_TEXT, run
from bot.clinical import (
    RULESET_VERSION,
    CapdAnswer,
    Consciousness,
    Domain,
    Hypotension,
    IcpFinding,
    ItemAnswer,
    MotorFinding,
    Oxygen,
    Seizure,
    Tool,
)

TODAY = datetime.date(2025, 3, 10)

CONTRACT_EXAMPLE = """{"age_years": 45, "consciousness": "alert", "seizure": "resolved_rapidly",
         "ice": {"year": "wrong", "month": "wrong", "city": "wrong", "hospital": "wrong",
                 "naming": ["correct", "correct", "wrong"], "command": "correct",
                 "writing": "wrong", "attention": "wrong"}}"""

CONTRACT_OUTPUT = {
    "tool": "ice",
    "ice_score": 3,
    "capd_score": None,
    "domain_grades": {"ice": 2, "consciousness": 0, "seizure": 3, "motor": 0, "icp": 0},
    "icans_grade": 3,
    "complete": True,
    "flags": [],
}

PERFECT_ICE: dict[str, Any] = {
    "year": "correct",
    "month": "correct",
    "city": "correct",
    "hospital": "correct",
    "naming": ["correct", "correct", "correct"],
    "command": "correct",
    "writing": "correct",
    "attention": "correct",
}
HEALTHY_CAPD = ["always"] * 4 + ["never"] * 4


def call(stdin: str, today: datetime.date = TODAY) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(io.StringIO(stdin), out, err, today=today)
    return code, out.getvalue(), err.getvalue()


def grade(payload: object) -> Any:
    code, out, err = call(json.dumps(payload))
    assert (code, err) == (0, ""), err
    assert out.endswith("\n") and out.count("\n") == 1
    return json.loads(out)


def adult(**extra: Any) -> dict[str, Any]:
    return {"age_years": 45, "ice": PERFECT_ICE, **extra}


def ice_with(**items: Any) -> dict[str, Any]:
    return {**PERFECT_ICE, **items}


class TestContract:
    def test_the_example_in_grade_cli_md(self) -> None:
        code, out, err = call(CONTRACT_EXAMPLE)
        assert (code, err) == (0, "")
        result = json.loads(out)
        assert {key: result[key] for key in CONTRACT_OUTPUT} == CONTRACT_OUTPUT
        assert list(result)[: len(CONTRACT_OUTPUT)] == list(CONTRACT_OUTPUT)
        assert result["ruleset"] == RULESET_VERSION
        assert "crs_grade" not in result

    def test_output_is_one_line_of_json(self) -> None:
        _, out, _ = call(CONTRACT_EXAMPLE)
        assert out.count("\n") == 1
        assert out == json.dumps(json.loads(out)) + "\n"

    def test_array_in_array_out_in_the_same_order(self) -> None:
        results = grade(
            [
                adult(),
                adult(consciousness="voice"),
                {"age_years": 6, "capd": HEALTHY_CAPD, "seizure": "prolonged"},
            ]
        )
        assert [r["icans_grade"] for r in results] == [0, 2, 4]
        assert [r["tool"] for r in results] == ["ice", "ice", "capd"]

    def test_empty_array_gives_empty_array(self) -> None:
        assert grade([]) == []

    def test_defaults(self) -> None:
        result = grade(adult())
        assert result["domain_grades"] == dict.fromkeys(
            ["ice", "consciousness", "seizure", "motor", "icp"], 0
        )
        assert (result["ice_score"], result["icans_grade"], result["complete"]) == (10, 0, True)
        assert result["flags"] == []

    def test_help_text_explains_every_key_and_value(self) -> None:
        keys = ["age_years", "date_of_birth", "assessed_on", "attributed_elsewhere", "crs"]
        keys += ["temperature_c", "fever_treated", "naming"]
        kinds: list[type[enum.StrEnum]] = [Tool, Consciousness, ItemAnswer, CapdAnswer, Seizure]
        kinds += [MotorFinding, IcpFinding, Domain, Hypotension, Oxygen]
        values = [member.value for kind in kinds for member in kind]
        for word in keys + values:
            assert f"{word}" in HELP_TEXT, word


class TestUnarousable:
    def test_without_ice(self) -> None:
        result = grade({"age_years": 45, "consciousness": "unarousable"})
        assert (result["ice_score"], result["icans_grade"], result["complete"]) == (0, 4, True)
        assert result["domain_grades"]["ice"] == 4

    def test_with_ice_given_it_is_ignored(self) -> None:
        result = grade(adult(consciousness="unarousable"))
        assert (result["ice_score"], result["icans_grade"]) == (0, 4)

    def test_with_capd_given_it_is_ignored(self) -> None:
        result = grade({"age_years": 5, "consciousness": "unarousable", "capd": HEALTHY_CAPD})
        assert (result["capd_score"], result["icans_grade"]) == (None, 4)

    def test_sedated_patient_is_incomplete(self) -> None:
        result = grade(
            {
                "age_years": 45,
                "consciousness": "unarousable",
                "attributed_elsewhere": ["consciousness"],
            }
        )
        assert result["ice_score"] is None
        assert result["domain_grades"]["ice"] is None
        assert result["domain_grades"]["consciousness"] is None
        assert result["icans_grade"] is None
        assert result["complete"] is False
        assert result["flags"] == ["not_assessable"]

    def test_awake_zero_is_grade_three(self) -> None:
        wrong = dict.fromkeys(PERFECT_ICE, "wrong") | {"naming": ["wrong"] * 3}
        result = grade({"age_years": 45, "ice": wrong})
        assert (result["ice_score"], result["icans_grade"]) == (0, 3)


class TestGrading:
    def test_not_assessable_item(self) -> None:
        result = grade(adult(ice=ice_with(writing="not_assessable"), consciousness="voice"))
        assert result["ice_score"] is None
        assert result["domain_grades"]["ice"] is None
        assert (result["icans_grade"], result["complete"]) == (2, False)
        assert result["flags"] == ["not_assessable"]

    def test_capd_for_a_child(self) -> None:
        result = grade({"age_years": 8, "capd": ["never"] * 8})
        assert (result["tool"], result["capd_score"], result["ice_score"]) == ("capd", 16, None)
        assert result["icans_grade"] == 3

    def test_capd_not_assessable(self) -> None:
        result = grade({"age_years": 8, "capd": "not_assessable"})
        assert (result["capd_score"], result["icans_grade"], result["complete"]) == (
            None,
            None,
            False,
        )

    @pytest.mark.parametrize(
        ("assessed_on", "tool"),
        [
            pytest.param("2025-03-09", "capd", id="day before the 12th birthday -> CAPD"),
            pytest.param("2025-03-10", "ice", id="12th birthday -> ICE"),
        ],
    )
    def test_age_from_date_of_birth(self, assessed_on: str, tool: str) -> None:
        answers: dict[str, Any] = {"ice": PERFECT_ICE} if tool == "ice" else {"capd": HEALTHY_CAPD}
        payload = {"date_of_birth": "2013-03-10", "assessed_on": assessed_on, **answers}
        assert grade(payload)["tool"] == tool

    def test_assessed_on_defaults_to_today(self) -> None:
        payload = {"date_of_birth": "2013-03-10", "ice": PERFECT_ICE}
        code, out, _ = call(json.dumps(payload), today=datetime.date(2025, 3, 10))
        assert code == 0 and json.loads(out)["tool"] == "ice"
        code, _, err = call(json.dumps(payload), today=datetime.date(2025, 3, 9))
        assert code == 2 and "capd" in err

    def test_29_february_birthday(self) -> None:
        payload = {"date_of_birth": "2012-02-29", "assessed_on": "2024-02-29", "ice": PERFECT_ICE}
        assert grade(payload)["tool"] == "ice"

    def test_consistent_age_and_date_of_birth(self) -> None:
        payload = {"age_years": 12, "date_of_birth": "2013-03-10", "ice": PERFECT_ICE}
        assert grade(payload)["tool"] == "ice"

    def test_tool_override_developmental_delay(self) -> None:
        assert grade({"age_years": 30, "tool": "capd", "capd": HEALTHY_CAPD})["tool"] == "capd"

    def test_tool_override_to_ice_for_a_child(self) -> None:
        assert grade({"age_years": 10, "tool": "ice", "ice": PERFECT_ICE})["tool"] == "ice"

    def test_flags(self) -> None:
        result = grade(adult(motor=["tremor", "myoclonus"], icp=["hemorrhage"]))
        assert result["flags"] == ["hemorrhage", "myoclonus", "tremor"]
        assert result["icans_grade"] == 0

    def test_attribution(self) -> None:
        result = grade(adult(seizure="prolonged", attributed_elsewhere=["seizure"]))
        assert result["domain_grades"]["seizure"] is None
        assert result["icans_grade"] == 0

    def test_hemorrhage_attributed_elsewhere_is_still_flagged(self) -> None:
        result = grade(adult(icp=["hemorrhage", "focal_edema"], attributed_elsewhere=["icp"]))
        assert result["flags"] == ["hemorrhage"]
        assert result["domain_grades"]["icp"] is None
        assert result["icans_grade"] == 0

    def test_empty_lists_are_accepted(self) -> None:
        assert grade(adult(motor=[], icp=[], attributed_elsewhere=[]))["icans_grade"] == 0


class TestCrs:
    @pytest.mark.parametrize(
        ("crs", "grade_", "flags"),
        [
            pytest.param({"temperature_c": 38.0}, 1, [], id="fever 38.0 alone -> 1"),
            pytest.param({"temperature_c": 37.5}, 0, [], id="no fever -> 0"),
            pytest.param(
                {"temperature_c": 39, "hypotension": "fluids_only", "oxygen": "high_flow"},
                3,
                [],
                id="fever, fluids, high-flow -> 3",
            ),
            pytest.param(
                {"temperature_c": 38.2, "hypotension": "multiple_vasopressors"},
                4,
                [],
                id="fever, several vasopressors -> 4",
            ),
            pytest.param(
                {"temperature_c": 37.0, "oxygen": "low_flow"},
                0,
                ["no_fever_untreated"],
                id="no fever, untreated, low-flow -> 0, not CRS",
            ),
            pytest.param(
                {"temperature_c": 37.0, "fever_treated": True, "oxygen": "positive_pressure"},
                4,
                [],
                id="treated, afebrile, CPAP -> 4",
            ),
            pytest.param(
                {"temperature_c": 38.5, "oxygen": "comfort"}, 1, [], id="comfort oxygen -> 1"
            ),
        ],
    )
    def test_crs_grade(self, crs: dict[str, Any], grade_: int, flags: list[str]) -> None:
        result = grade(adult(crs=crs))
        assert result["crs_grade"] == grade_
        assert result["flags"] == flags
        assert list(result)[-2:] == ["crs_grade", "ruleset"]


def _naming(n: int) -> str:
    return json.dumps({"age_years": 45, "ice": ice_with(naming=["correct"] * n)})


BAD_INPUT = [
    pytest.param(json.dumps(adult(foo=1)), "foo", '"age_years"', id="unknown key"),
    pytest.param(
        json.dumps(adult(ice=ice_with(colour="correct"))),
        "ice.colour",
        '"year"',
        id="unknown ice key",
    ),
    pytest.param(
        json.dumps(adult(crs={"temperature_c": 38, "heart_rate": 120})),
        "crs.heart_rate",
        '"temperature_c"',
        id="unknown crs key",
    ),
    pytest.param(
        json.dumps(adult(consciousness="asleep")),
        "consciousness",
        '"alert", "drowsy", "voice", "touch", "unarousable"',
        id="consciousness outside the list",
    ),
    pytest.param(
        json.dumps(adult(seizure="yes")), "seizure", '"resolved_rapidly"', id="bad seizure"
    ),
    pytest.param(
        json.dumps(adult(motor=["tremor", "ataxia"])), "motor[1]", '"tremor"', id="bad motor"
    ),
    pytest.param(json.dumps(adult(motor="tremor")), "motor", '"tremor"', id="motor not a list"),
    pytest.param(json.dumps(adult(icp=["edema"])), "icp[0]", '"focal_edema"', id="bad icp finding"),
    pytest.param(
        json.dumps(adult(attributed_elsewhere=["sedation"])),
        "attributed_elsewhere[0]",
        '"consciousness"',
        id="bad attributed domain",
    ),
    pytest.param(json.dumps(adult(tool="mmse")), "tool", '"ice", "capd"', id="bad tool"),
    pytest.param(
        json.dumps(adult(ice=ice_with(year="yes"))), "ice.year", '"correct"', id="bad ICE answer"
    ),
    pytest.param(_naming(2), "ice.naming", "exactly 3", id="two naming answers"),
    pytest.param(_naming(4), "ice.naming", "exactly 3", id="four naming answers"),
    pytest.param(
        json.dumps(adult(ice=ice_with(naming=["correct", "correct", "maybe"]))),
        "ice.naming[2]",
        '"not_assessable"',
        id="bad naming answer",
    ),
    pytest.param(
        json.dumps(adult(ice={k: v for k, v in PERFECT_ICE.items() if k != "attention"})),
        "ice.attention",
        "missing",
        id="ICE item missing",
    ),
    pytest.param(json.dumps(adult(ice="all correct")), "ice", "object", id="ice not an object"),
    pytest.param(json.dumps({"age_years": 45}), "ice", "required", id="ICE missing when required"),
    pytest.param(json.dumps({"age_years": 5}), "capd", "required", id="CAPD missing when required"),
    pytest.param(
        json.dumps({"age_years": 5, "capd": ["never"] * 7}),
        "capd",
        "exactly 8",
        id="seven CAPD answers",
    ),
    pytest.param(
        json.dumps({"age_years": 5, "capd": ["never"] * 9}),
        "capd",
        "exactly 8",
        id="nine CAPD answers",
    ),
    pytest.param(
        json.dumps({"age_years": 5, "capd": ["never"] * 3 + ["seldom"] + ["never"] * 4}),
        "capd[3]",
        '"rarely"',
        id="bad CAPD answer",
    ),
    pytest.param(
        json.dumps({"age_years": 5, "capd": "n/a"}),
        "capd",
        '"not_assessable"',
        id="bad CAPD string",
    ),
    pytest.param(
        json.dumps({"age_years": 5, "capd": HEALTHY_CAPD, "ice": PERFECT_ICE}),
        "ice",
        '"capd"',
        id="ICE given for a CAPD assessment",
    ),
    pytest.param(json.dumps(adult(age_years=131)), "age_years", "0-130", id="age 131"),
    pytest.param(json.dumps(adult(age_years=-1)), "age_years", "0-130", id="age -1"),
    pytest.param(json.dumps(adult(age_years="45")), "age_years", "integer", id="age as text"),
    pytest.param(json.dumps(adult(age_years=45.5)), "age_years", "integer", id="age not whole"),
    pytest.param(json.dumps(adult(age_years=True)), "age_years", "integer", id="age boolean"),
    pytest.param(
        json.dumps({"ice": PERFECT_ICE}), "age_years", "date_of_birth", id="neither age nor dob"
    ),
    pytest.param(
        json.dumps({"date_of_birth": "10/03/2013", "ice": PERFECT_ICE}),
        "date_of_birth",
        "YYYY-MM-DD",
        id="date of birth not ISO",
    ),
    pytest.param(
        json.dumps({"date_of_birth": "2013-02-30", "ice": PERFECT_ICE}),
        "date_of_birth",
        "YYYY-MM-DD",
        id="impossible date of birth",
    ),
    pytest.param(
        json.dumps({"date_of_birth": "2026-01-01", "ice": PERFECT_ICE}),
        "date_of_birth",
        "after",
        id="born after the assessment",
    ),
    pytest.param(
        json.dumps({"date_of_birth": "1850-01-01", "ice": PERFECT_ICE}),
        "date_of_birth",
        "0-130",
        id="computed age over 130",
    ),
    pytest.param(
        json.dumps(adult(assessed_on="yesterday")), "assessed_on", "YYYY-MM-DD", id="bad date"
    ),
    pytest.param(
        json.dumps({"age_years": 30, "date_of_birth": "2013-03-10", "ice": PERFECT_ICE}),
        "age_years",
        "date_of_birth",
        id="age and date of birth disagree",
    ),
    pytest.param(
        json.dumps(adult(crs={"oxygen": "low_flow"})),
        "crs.temperature_c",
        "missing",
        id="CRS without temperature",
    ),
    pytest.param(
        json.dumps(adult(crs={"temperature_c": 101.2})),
        "crs.temperature_c",
        "25-45",
        id="temperature in Fahrenheit",
    ),
    pytest.param(
        json.dumps(adult(crs={"temperature_c": "38"})),
        "crs.temperature_c",
        "number",
        id="temperature as text",
    ),
    pytest.param(
        json.dumps(adult(crs={"temperature_c": 38, "fever_treated": "yes"})),
        "crs.fever_treated",
        "true or false",
        id="fever_treated not boolean",
    ),
    pytest.param(
        json.dumps(adult(crs={"temperature_c": 38, "hypotension": "vasopressin"})),
        "crs.hypotension",
        '"one_vasopressor"',
        id="bad hypotension",
    ),
    pytest.param(
        json.dumps(adult(crs={"temperature_c": 38, "oxygen": "nasal"})),
        "crs.oxygen",
        '"low_flow"',
        id="bad oxygen",
    ),
    pytest.param(json.dumps(adult(crs=38.5)), "crs", "object", id="crs not an object"),
    pytest.param(
        json.dumps([adult(), {"age_years": 45, "ice": ice_with(naming=["correct"] * 2)}]),
        "[1].ice.naming",
        "exactly 3",
        id="array: index named",
    ),
    pytest.param(json.dumps([adult(), "x"]), "[1]", "object", id="array item not an object"),
    pytest.param("{not json", "not valid JSON", "line 1", id="not JSON"),
    pytest.param("", "empty", "JSON object", id="empty stdin"),
    pytest.param("  \n ", "empty", "JSON object", id="blank stdin"),
    pytest.param("42", "JSON object", "number", id="a bare number"),
    pytest.param('"ice"', "JSON object", "string", id="a bare string"),
    pytest.param('{"age_years": 45, "age_years": 46}', "duplicate", "age_years", id="dup key"),
    pytest.param(
        '{"age_years": 45, "crs": {"temperature_c": NaN}}', "NaN", "finite", id="NaN number"
    ),
]


@pytest.mark.parametrize(("stdin", "field", "hint"), BAD_INPUT)
def test_invalid_input(stdin: str, field: str, hint: str) -> None:
    code, out, err = call(stdin)
    assert code == 2
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert field in err
    assert hint in err


def test_error_names_the_field_at_the_start() -> None:
    _, _, err = call(json.dumps([adult(), adult(ice=ice_with(naming=["correct"]))]))
    assert err.startswith("neurocheck grade: invalid input: [1].ice.naming: ")


def test_first_error_stops_everything() -> None:
    # A valid first item must not be printed when a later one is invalid.
    code, out, _ = call(json.dumps([adult(), adult(seizure="bad")]))
    assert (code, out) == (2, "")


def test_undecodable_stdin() -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"\xff\xfe{"), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run(stdin, out, err, today=TODAY) == 2
    assert out.getvalue() == ""
    assert "UTF-8" in err.getvalue()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
VALID_PAYLOAD = adult(motor=["tremor"], crs={"temperature_c": 38.5})


@st.composite
def mutated_payloads(draw: st.DrawFn) -> object:
    """A valid assessment with one key replaced by an arbitrary value (or one key added)."""
    payload = dict(VALID_PAYLOAD)
    key = draw(st.sampled_from([*payload, "consciousness", "seizure", "icp", "new key\n"]))
    payload[key] = draw(json_values)
    return payload


def _assert_clean_outcome(stdin: str) -> None:
    code, out, err = call(stdin)
    if code == 0:
        assert err == ""
        assert out.count("\n") == 1
        json.loads(out)
    else:
        assert code == 2
        assert out == ""
        assert err.endswith("\n") and err.count("\n") == 1
        assert len(err.splitlines()) == 1


@given(json_values)
def test_any_json_gives_a_result_or_one_error_line(value: object) -> None:
    _assert_clean_outcome(json.dumps(value))


@given(mutated_payloads())
def test_any_mutated_assessment_gives_a_result_or_one_error_line(payload: object) -> None:
    _assert_clean_outcome(json.dumps(payload))


@given(st.text(max_size=40))
def test_any_text_gives_a_result_or_one_error_line(text: str) -> None:
    _assert_clean_outcome(text)
