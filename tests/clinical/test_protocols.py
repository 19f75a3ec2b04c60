"""Protocols as data (bot/clinical/README.md section 9) and ward cadence settings (section 10)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.clinical.protocol_file import parse_protocol
from bot.clinical.protocols import CadenceSettings, Protocol, ProtocolError
from bot.protocols import PROTOCOL_FOLDER, load_protocols

SHIPPED = load_protocols()
RR = SHIPPED["rr"]
MRD = SHIPPED["mrd"]

VALID = """\
code = "test"
name = "Test protocol"
indication = "Testing"
cycle_days = 28
treatment_free_days = 14

[[cycle]]
numbers = [1]
hospital_days = 9
dose = [
    { from_day = 1, mcg_per_day = 9, mcg_per_m2_per_day = 5 },
    { from_day = 8, mcg_per_day = 28, mcg_per_m2_per_day = 15 },
]

[[cycle]]
numbers = "others"
hospital_days = 0
dose = [{ from_day = 1, mcg_per_day = 28, mcg_per_m2_per_day = 15 }]
"""


def edit(old: str, new: str) -> str:
    """VALID with the first `old` replaced by `new` (which must be there)."""
    assert old in VALID, old
    return VALID.replace(old, new, 1)


# --- The shipped files ------------------------------------------------------------------------


def test_the_shipped_protocols_are_rr_and_mrd() -> None:
    assert sorted(SHIPPED) == ["mrd", "rr"]
    for path in sorted(PROTOCOL_FOLDER.glob("*.toml")):
        protocol = parse_protocol(path.read_text(encoding="utf-8"), path.name)
        assert path.stem == f"blinatumomab_{protocol.code}"


@pytest.mark.parametrize("protocol", [pytest.param(RR, id="rr"), pytest.param(MRD, id="mrd")])
def test_cycles_are_28_days_then_14_treatment_free(protocol: Protocol) -> None:
    assert (protocol.cycle_days, protocol.treatment_free_days) == (28, 14)


@pytest.mark.parametrize(
    ("code", "cycle", "day", "under_45kg", "dose"),
    [
        pytest.param("rr", 1, 1, False, "9 mcg/day", id="rr c1 d1: 9 mcg/day"),
        pytest.param("rr", 1, 7, False, "9 mcg/day", id="rr c1 d7: still 9"),
        pytest.param("rr", 1, 8, False, "28 mcg/day", id="rr c1 d8: step-up to 28"),
        pytest.param("rr", 1, 28, False, "28 mcg/day", id="rr c1 d28: 28"),
        pytest.param(
            "rr", 1, 1, True, "5 mcg/m²/day (max 9 mcg/day)", id="rr c1 d1 under 45 kg: 5/m2"
        ),
        pytest.param(
            "rr", 1, 7, True, "5 mcg/m²/day (max 9 mcg/day)", id="rr c1 d7 under 45 kg: 5/m2"
        ),
        pytest.param(
            "rr", 1, 8, True, "15 mcg/m²/day (max 28 mcg/day)", id="rr c1 d8 under 45 kg: 15/m2"
        ),
        pytest.param("rr", 2, 1, False, "28 mcg/day", id="rr c2 d1: 28 from day 1"),
        pytest.param("rr", 5, 1, False, "28 mcg/day", id="rr c5 d1: 28 from day 1"),
        pytest.param(
            "rr", 2, 1, True, "15 mcg/m²/day (max 28 mcg/day)", id="rr c2 d1 under 45 kg: 15/m2"
        ),
        pytest.param("mrd", 1, 1, False, "28 mcg/day", id="mrd c1 d1: 28, no step"),
        pytest.param("mrd", 1, 8, False, "28 mcg/day", id="mrd c1 d8: 28"),
        pytest.param(
            "mrd", 1, 1, True, "15 mcg/m²/day (max 28 mcg/day)", id="mrd c1 d1 under 45 kg"
        ),
        pytest.param("mrd", 4, 28, False, "28 mcg/day", id="mrd c4 d28: 28"),
    ],
)
def test_dose_by_cycle_day_and_weight_band(
    code: str, cycle: int, day: int, under_45kg: bool, dose: str
) -> None:
    assert SHIPPED[code].dose_on(cycle, day, under_45kg=under_45kg) == dose


@pytest.mark.parametrize(
    ("code", "cycle", "hospital_days", "step_up_days"),
    [
        pytest.param("rr", 1, 9, (8,), id="rr c1: days 1-9 in hospital, step-up on day 8"),
        pytest.param("rr", 2, 2, (), id="rr c2: days 1-2, no step"),
        pytest.param("rr", 3, 0, (), id="rr c3: no hospital stay"),
        pytest.param("rr", 9, 0, (), id="rr c9: no hospital stay"),
        pytest.param("mrd", 1, 3, (), id="mrd c1: days 1-3, no step"),
        pytest.param("mrd", 2, 2, (), id="mrd c2: days 1-2"),
        pytest.param("mrd", 3, 0, (), id="mrd c3: no hospital stay"),
    ],
)
def test_hospital_days_and_step_ups(
    code: str, cycle: int, hospital_days: int, step_up_days: tuple[int, ...]
) -> None:
    protocol = SHIPPED[code]
    assert protocol.rule_for(cycle).hospital_days == hospital_days
    assert protocol.step_up_days(cycle) == step_up_days


@pytest.mark.parametrize(
    ("cycle", "day"),
    [
        pytest.param(1, 0, id="day 0"),
        pytest.param(1, 29, id="day 29 of a 28-day cycle"),
        pytest.param(0, 1, id="cycle 0"),
    ],
)
def test_dose_outside_the_cycle_is_refused(cycle: int, day: int) -> None:
    with pytest.raises(ValueError, match=r"outside the 28-day cycle|cycle numbers start at 1"):
        RR.dose_on(cycle, day, under_45kg=False)


# --- Validation of a protocol file ------------------------------------------------------------

TOP_KEYS = "code, name, indication, cycle_days, treatment_free_days, cycle"
DOSE_KEYS = "from_day, mcg_per_day, mcg_per_m2_per_day"
OTHERS = 'or "others"'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            edit("cycle_days = 28\n", 'cycle_days = 28\ncolour = "blue"\n'),
            f"t.toml: colour: unknown key (allowed: {TOP_KEYS})",
            id="unknown top-level key",
        ),
        pytest.param(
            edit("from_day = 8, mcg_per_day", "from_day = 8, mcg_per_dya"),
            f"t.toml: cycle[1].dose[2].mcg_per_dya: unknown key (allowed: {DOSE_KEYS})",
            id="unknown key in a dose step (typo)",
        ),
        pytest.param(
            edit('indication = "Testing"\n', ""), "t.toml: indication: missing", id="missing key"
        ),
        pytest.param(
            edit("hospital_days = 9\n", ""),
            "t.toml: cycle[1].hospital_days: missing",
            id="missing key in a cycle block",
        ),
        pytest.param(
            edit("from_day = 8", "from_day = 29"),
            "t.toml: cycle[1].dose[2].from_day: 29 is more than 28 (cycle_days is 28)",
            id="dose day after the end of the cycle",
        ),
        pytest.param(
            edit("from_day = 1, mcg_per_day = 9", "from_day = 0, mcg_per_day = 9"),
            "t.toml: cycle[1].dose[1].from_day: 0 is less than 1 (cycle_days is 28)",
            id="dose day 0",
        ),
        pytest.param(
            edit("from_day = 1, mcg_per_day = 9", "from_day = 2, mcg_per_day = 9"),
            "t.toml: cycle[1].dose[1].from_day: the first dose must start on day 1",
            id="first dose not on day 1",
        ),
        pytest.param(
            edit("from_day = 8", "from_day = 1"),
            "t.toml: cycle[1].dose[2].from_day: day 1 must come after the step before (day 1)",
            id="dose days not ascending",
        ),
        pytest.param(
            edit("from_day = 8, mcg_per_day = 28", "from_day = 8, mcg_per_day = 5"),
            "t.toml: cycle[1].dose[2].mcg_per_day: 5 is lower than the step before (9)",
            id="descending dose",
        ),
        pytest.param(
            edit("mcg_per_m2_per_day = 15 },\n]", "mcg_per_m2_per_day = 4 },\n]"),
            "t.toml: cycle[1].dose[2].mcg_per_m2_per_day: 4 is lower than the step before (5)",
            id="descending dose per m2",
        ),
        pytest.param(
            edit("hospital_days = 9", "hospital_days = 30"),
            "t.toml: cycle[1].hospital_days: 30 is more than 28 (cycle_days is 28)",
            id="hospital_days more than cycle_days",
        ),
        pytest.param(
            edit("hospital_days = 9", "hospital_days = 9.5"),
            "t.toml: cycle[1].hospital_days: must be a whole number, got 9.5",
            id="hospital_days not a whole number",
        ),
        pytest.param(
            edit('code = "test"', 'code = "Test-1"'),
            "t.toml: code: 'Test-1' must use only a-z, 0-9 and _",
            id="bad code",
        ),
        pytest.param(
            edit('code = "test"', 'code = ""'),
            "t.toml: code: must be a non-empty text, got ''",
            id="empty code",
        ),
        pytest.param(
            edit("cycle_days = 28", "cycle_days = true"),
            "t.toml: cycle_days: must be a whole number, got True",
            id="true is not a number of days",
        ),
        pytest.param(
            edit("mcg_per_day = 9", "mcg_per_day = 0"),
            "t.toml: cycle[1].dose[1].mcg_per_day: must be more than 0, got 0",
            id="zero dose",
        ),
        pytest.param(
            edit("mcg_per_day = 9", "mcg_per_day = nan"),
            "t.toml: cycle[1].dose[1].mcg_per_day: must be more than 0, got nan",
            id="nan dose",
        ),
        pytest.param(
            edit("mcg_per_day = 9", 'mcg_per_day = "9"'),
            "t.toml: cycle[1].dose[1].mcg_per_day: must be a number, got '9'",
            id="dose as text",
        ),
        pytest.param(
            edit("numbers = [1]", "numbers = [0]"),
            f"t.toml: cycle[1].numbers: must be a list of cycle numbers (1 or more) {OTHERS},"
            " got [0]",
            id="cycle number 0",
        ),
        pytest.param(
            edit("numbers = [1]", "numbers = [1, 1]"),
            "t.toml: cycle[1].numbers: lists a cycle twice: [1, 1]",
            id="cycle listed twice in a block",
        ),
        pytest.param(
            edit('numbers = "others"', "numbers = [1]"),
            "t.toml: cycle[2].numbers: cycle 1 is already in cycle[1]",
            id="cycle in two blocks",
        ),
        pytest.param(
            edit("numbers = [1]", 'numbers = "others"'),
            't.toml: cycle[2].numbers: a second "others" rule (the first is cycle[1])',
            id="two rules for the other cycles",
        ),
        pytest.param(
            edit('numbers = "others"', "numbers = [2]"),
            't.toml: cycle: no rule for the other cycles (add numbers = "others")',
            id="no rule for the other cycles",
        ),
        pytest.param(
            VALID.split("[[cycle]]")[0] + 'cycle = "weekly"\n',
            "t.toml: cycle: must be a non-empty list of tables",
            id="cycle is not a list of blocks",
        ),
        pytest.param(
            edit("dose = [{", "dose = [7, {"),
            "t.toml: cycle[2].dose[1]: must be a table, got 7",
            id="dose step is not a table",
        ),
    ],
)
def test_invalid_protocol_is_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_protocol(text, "t.toml")
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


def test_toml_syntax_error_names_the_file() -> None:
    with pytest.raises(ProtocolError, match=r"^t\.toml: TOML syntax: .*line 4") as caught:
        parse_protocol(edit("cycle_days = 28", "cycle_days == 28"), "t.toml")
    assert "\n" not in str(caught.value)


def test_valid_template_parses() -> None:
    protocol = parse_protocol(VALID, "t.toml")
    assert protocol.code == "test"
    assert protocol.rule_for(1).hospital_days == 9
    assert protocol.rule_for(2) == protocol.rule_for(7)
    assert protocol.rule_for(2).cycles is None


# --- Loading a folder -------------------------------------------------------------------------


def test_duplicate_code_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "b.toml").write_text(VALID, encoding="utf-8")
    with pytest.raises(ProtocolError) as caught:
        load_protocols(tmp_path)
    assert str(caught.value) == "b.toml: code: 'test' is already used by a.toml"


def test_one_invalid_file_stops_the_load(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "b.toml").write_text(edit('code = "test"', 'code = "b"\nx = 1'), "utf-8")
    with pytest.raises(ProtocolError, match=r"^b\.toml: x: unknown key"):
        load_protocols(tmp_path)


def test_only_toml_files_are_read(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "README.md").write_text("not a protocol", encoding="utf-8")
    assert list(load_protocols(tmp_path)) == ["test"]


def test_a_folder_without_protocols_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match=r"no \*\.toml protocol files"):
        load_protocols(tmp_path)


def test_undecodable_file_is_a_protocol_error(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_bytes(b"\xff\xfe code")
    with pytest.raises(ProtocolError, match=r"^a\.toml: \(file\): cannot be read"):
        load_protocols(tmp_path)


# --- Ward cadence settings --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        pytest.param("routine_hours", 8, id="every 8 h in a window"),
        pytest.param("high_risk_hours", 4, id="every 4 h for high risk"),
        pytest.param("abnormal_hours", 1, id="hourly once abnormal"),
        pytest.param("watch_hours_after_change", 48, id="48 h after a step-up or restart"),
        pytest.param("normal_checks_to_relax", 2, id="two normal checks end hourly checks"),
        pytest.param("baseline_lead_hours", 2, id="baseline 2 h before the first dose"),
        pytest.param("baseline_valid_hours", 24, id="a baseline counts up to 24 h before"),
        pytest.param("remind_nurse_minutes", 15, id="remind the nurse at 15 min"),
        pytest.param("alert_charge_minutes", 30, id="charge nurse at 30 min"),
        pytest.param("alert_physician_minutes", 60, id="physician at 60 min"),
    ],
)
def test_defaults_are_section_10(key: str, value: int) -> None:
    assert getattr(CadenceSettings(), key) == value


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({}, id="no overrides"),
        pytest.param({"routine_hours": 6}, id="routine every 6 h"),
        pytest.param({"routine_hours": 12, "high_risk_hours": 12}, id="high risk = routine"),
        pytest.param({"high_risk_hours": 2, "abnormal_hours": 2}, id="abnormal = high risk"),
        pytest.param({"watch_hours_after_change": 72}, id="72 h watch"),
        pytest.param({"normal_checks_to_relax": 3}, id="three normal checks"),
        pytest.param(
            {"remind_nurse_minutes": 10, "alert_charge_minutes": 20, "alert_physician_minutes": 45},
            id="tighter ladder",
        ),
        pytest.param(
            {"baseline_lead_hours": 12, "baseline_valid_hours": 12}, id="baseline 12 h ahead"
        ),
    ],
)
def test_valid_ward_overrides(overrides: dict[str, object]) -> None:
    defaults = CadenceSettings()
    settings = defaults.with_overrides(overrides)
    for field in dataclasses.fields(settings):
        expected = overrides.get(field.name, getattr(defaults, field.name))
        assert getattr(settings, field.name) == expected
    assert defaults == CadenceSettings()  # the defaults are never changed in place


HOURS_ORDER = "(need routine_hours >= high_risk_hours >= abnormal_hours)"
LADDER_ORDER = "(need remind_nurse_minutes < alert_charge_minutes < alert_physician_minutes)"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            {"routine_hours": "8"},
            "cadence setting routine_hours: must be a whole number of hours (1-12), got '8'",
            id="text",
        ),
        pytest.param(
            {"routine_hours": 8.0},
            "cadence setting routine_hours: must be a whole number of hours (1-12), got 8.0",
            id="float",
        ),
        pytest.param(
            {"routine_hours": True},
            "cadence setting routine_hours: must be a whole number of hours (1-12), got True",
            id="bool",
        ),
        pytest.param(
            {"routine_hours": 0},
            "cadence setting routine_hours: 0 is outside the allowed range 1-12 hours",
            id="zero",
        ),
        pytest.param(
            {"routine_hours": 13},
            "cadence setting routine_hours: 13 is outside the allowed range 1-12 hours",
            id="less than twice a day",
        ),
        pytest.param(
            {"abnormal_hours": -1},
            "cadence setting abnormal_hours: -1 is outside the allowed range 1-12 hours",
            id="negative",
        ),
        pytest.param(
            {"normal_checks_to_relax": 0},
            "cadence setting normal_checks_to_relax: 0 is outside the allowed range 1-10 checks",
            id="no normal checks needed",
        ),
        pytest.param(
            {"routine_hours": 3},
            f"cadence setting routine_hours: 3 is outside the allowed range 4-12 hours "
            f"{HOURS_ORDER}",
            id="routine below the default high-risk interval names routine_hours",
        ),
        pytest.param(
            {"high_risk_hours": 10},
            f"cadence setting high_risk_hours: 10 is outside the allowed range 1-8 hours "
            f"{HOURS_ORDER}",
            id="high risk above routine",
        ),
        pytest.param(
            {"abnormal_hours": 6},
            f"cadence setting abnormal_hours: 6 is outside the allowed range 1-4 hours "
            f"{HOURS_ORDER}",
            id="abnormal above high risk",
        ),
        pytest.param(
            {"routine_hours": 2, "high_risk_hours": 6},
            f"cadence setting high_risk_hours: 6 is outside the allowed range 1-2 hours "
            f"{HOURS_ORDER}",
            id="both overridden, out of order",
        ),
        pytest.param(
            {"alert_charge_minutes": 15},
            f"cadence setting alert_charge_minutes: 15 is outside the allowed range 16-59 "
            f"minutes {LADDER_ORDER}",
            id="charge nurse at the same time as the reminder",
        ),
        pytest.param(
            {"alert_physician_minutes": 30},
            f"cadence setting alert_physician_minutes: 30 is outside the allowed range 31-240 "
            f"minutes {LADDER_ORDER}",
            id="physician not after the charge nurse",
        ),
        pytest.param(
            {"remind_nurse_minutes": 45},
            f"cadence setting remind_nurse_minutes: 45 is outside the allowed range 1-29 "
            f"minutes {LADDER_ORDER}",
            id="reminder after the charge nurse",
        ),
        pytest.param(
            {"baseline_lead_hours": 30},
            "cadence setting baseline_lead_hours: 30 is outside the allowed range 1-24 hours "
            "(need baseline_lead_hours <= baseline_valid_hours)",
            id="baseline due before it could count",
        ),
    ],
)
def test_invalid_ward_overrides_name_the_key_and_range(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ProtocolError) as caught:
        CadenceSettings().with_overrides(overrides)
    assert str(caught.value) == message


def test_unknown_ward_setting_lists_the_known_ones() -> None:
    with pytest.raises(ProtocolError) as caught:
        CadenceSettings().with_overrides({"routine_hour": 6})
    known = ", ".join(sorted(field.name for field in dataclasses.fields(CadenceSettings)))
    assert str(caught.value) == f"cadence setting routine_hour: unknown (known: {known})"


def test_invalid_settings_cannot_be_constructed() -> None:
    with pytest.raises(ProtocolError, match="routine_hours: 0 is outside"):
        CadenceSettings(routine_hours=0)
