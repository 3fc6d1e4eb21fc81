"""Broken DfE release files give one clear InputError naming file, line and column (never a raw traceback).

Each test builds a small valid release in ``tmp_path`` (the 2025 layout: seven topic files with the real
column names, a UTF-8 byte-order mark, ``x`` values and an academic-year code in ``caseload.csv``), breaks one
thing, and checks the message. A hypothesis test mutates the CSV bytes at random: the reader must either load
valid data or raise InputError.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.errors import InputError
from helpers.schemas import EES
from helpers.sources.ees import read_release

LEAD = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
        "new_la_code,old_la_code,la_name,breakdown_topic,breakdown")
AREAS = (
    ("National", "E92000001,England,,,,,"),
    ("Regional", "E92000001,England,E12000008,South East,,,"),
    ("Local authority", "E92000001,England,E12000008,South East,E10000016,886,Kent"),
    ("Local authority", "E92000001,England,E12000008,South East,E06000035,887,Medway"),
)
# file -> (headline label, indicator header, values for England; regions = England, each LA = half)
FILES: dict[str, tuple[str, str, list[float | str]]] = {
    "requests.csv": ("All requests for EHC needs assessments",
                     ("requests_received_in_year,requests_decided_to_assess,requests_decided_not_to_assess,"
                      "requests_decision_not_made,requests_withdrawn,request_not_assess_pc,request_outcome_six_weeks,"
                      "request_outcome_over_6_weeks,mediation_related_request,tribunal_related_request"),
                     [400, 260, 100, 20, 20, 25, 300, 80, "x", "x"]),
    "assessments.csv": ("All EHC needs assessments", "assess_in_year,assess_issued,assess_not_issued",
                        [240, 220, 20]),
    "newplans.csv": ("New EHC plans", "new_ehc_plans", [220]),
    "timeliness_20_week.csv": ("All EHC plans issued",
                               ("plans_issued_den,plans_issued_den_ex,plans_issued_within_20_weeks,"
                                "plans_issued_20_weeks_ex,pc_plans_issued_within_20_weeks,PC_plans_issued_20_weeks_ex,"
                                "plans_issued_gt20weeks_ltYear,plans_issued_gt20weeks_ltYear_ex,"
                                "plans_issued_gt_1_year,plans_issued_gt_1_year_ex"),
                               [200, 180, 100, 90, 50, 50, 80, 70, 20, 20]),
    "caseload.csv": ("All EHC plans", "ehcplans", [2000]),
    "annual_reviews.csv": ("All annual reviews",
                           ("review_expected,review_meeting_prior_24,review_meeting_prior_24,number_decsion_4weeks,"
                            "number_decision_gt_4weeks"), [1600, 30, 30, 700, 900]),
    "ceased_plans.csv": ("All ceased EHC plans", "total_ceased", [120]),
}
YEARS = (2023, 2024)


def csv_text(name: str) -> str:
    label, header, england = FILES[name]
    lines = [f"{LEAD},{header}"]
    for year in YEARS:
        period = f"{year - 1}{year % 100:02d},Academic year" if name == "caseload.csv" else f"{year},Calendar year"
        for level, area in AREAS:
            share = 0.5 if level == "Local authority" else 1.0
            values = [v if isinstance(v, str) or "pc" in col.lower() else f"{v * share:g}"
                      for col, v in zip(header.split(","), england, strict=True)]
            lines.append(f"{period},{level},{area},{label},{label},{','.join(str(v) for v in values)}")
        if name != "caseload.csv":  # a breakdown row that must be ignored
            lines.append(f"{period},National,{AREAS[0][1]},Sex,Female,{','.join('1' for _ in header.split(','))}")
    return "\n".join(lines) + "\n"


VALID = b"\xef\xbb\xbf" + csv_text("timeliness_20_week.csv").encode("utf-8")


def write_release(folder: Path, changes: dict[str, bytes] | None = None) -> Path:
    data = folder / "data"
    data.mkdir(parents=True)
    for name in FILES:
        content = (changes or {}).get(name, b"\xef\xbb\xbf" + csv_text(name).encode("utf-8"))
        (data / name).write_bytes(content)
    return folder


def write_zip(path: Path, changes: dict[str, bytes] | None = None, skip: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in FILES:
            if name not in skip:
                archive.writestr(f"data/{name}",
                                 (changes or {}).get(name, b"\xef\xbb\xbf" + csv_text(name).encode("utf-8")))
    return path


def edit(name: str, old: str, new: str, count: int = 1) -> dict[str, bytes]:
    text = csv_text(name)
    assert old in text
    return {name: text.replace(old, new, count).encode("utf-8")}


def drop_column(name: str, column: str) -> dict[str, bytes]:
    rows = [line.split(",") for line in csv_text(name).splitlines()]
    at = rows[0].index(column)
    return {name: ("\n".join(",".join(r[:at] + r[at + 1:]) for r in rows) + "\n").encode("utf-8")}


def error(path: Path) -> InputError:
    with pytest.raises(InputError) as err:
        read_release([path])
    return err.value


def test_small_release_is_valid(tmp_path: Path) -> None:
    """The builder itself: folder and zip both load, LA values halve England's, x -> NaN, 202324 -> 2024."""
    table = read_release([write_release(tmp_path / "rel")]).table
    EES.validate(table)
    kent = table[(table["area_code"] == "886") & (table["year"] == 2024)].iloc[0]
    assert kent["plans_issued_ex"] == 90 and kent["pct_within_20_weeks_ex"] == 50
    assert kent["plans_in_place"] == 1000 and kent["requests_mediation_related"] != kent["requests_mediation_related"]
    zipped = read_release([write_zip(tmp_path / "rel.zip")]).table
    assert zipped.drop(columns="source").equals(table.drop(columns="source"))


def test_column_case_and_2026_labels(tmp_path: Path) -> None:
    """2026-style files: lower-case ``pc_`` prefix, upper-case names elsewhere, "All new EHC plans" headline."""
    timeliness = csv_text("timeliness_20_week.csv").replace("PC_plans", "pc_plans").replace(
        "plans_issued_den_ex", "PLANS_ISSUED_DEN_EX")
    newplans = csv_text("newplans.csv").replace("New EHC plans,New EHC plans", "All new EHC plans,All new EHC plans")
    table = read_release([write_release(tmp_path / "rel", {"timeliness_20_week.csv": timeliness.encode(),
                                                           "newplans.csv": newplans.encode()})]).table
    england = table[(table["area_code"] == "E92000001") & (table["year"] == 2024)].iloc[0]
    assert england["plans_issued_ex"] == 180 and england["new_plans"] == 220


def test_truncated_zip(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "rel.zip")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    err = error(path)
    assert err.file == str(path) and "zip" in err.problem


def test_corrupt_zip_member(tmp_path: Path) -> None:
    path = tmp_path / "rel.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name in FILES:
            archive.writestr(f"data/{name}", csv_text(name))
    raw = bytearray(path.read_bytes())
    at = raw.index(b"All EHC plans issued")  # inside the stored timeliness member
    raw[at:at + 3] = b"XYZ"
    path.write_bytes(bytes(raw))
    err = error(path)
    assert err.file == f"{path}/data/timeliness_20_week.csv" and "damaged" in err.problem


def test_zip_without_release_files(tmp_path: Path) -> None:
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data/pupils.csv", "a,b\n1,2\n")
    err = error(path)
    assert "no DfE" in err.problem and "timeliness_20_week.csv" in err.expected


def test_zip_missing_one_topic_file(tmp_path: Path) -> None:
    err = error(write_zip(tmp_path / "rel.zip", skip=("caseload.csv",)))
    assert "missing" in err.problem and err.found == "missing caseload.csv"


def test_missing_column(tmp_path: Path) -> None:
    err = error(write_release(tmp_path / "rel", drop_column("timeliness_20_week.csv", "plans_issued_den_ex")))
    assert err.file.endswith("data/timeliness_20_week.csv")
    assert err.field == "plans_issued_den_ex" and err.where == "line 1 (header)"


def test_text_in_count_column(tmp_path: Path) -> None:
    # line 1 header, line 2 England 2023, line 3 South East, line 4 Kent: requests_received_in_year = 200
    err = error(write_release(tmp_path / "rel", edit("requests.csv", ",200,", ",2OO,")))
    assert err.file.endswith("data/requests.csv") and err.where == "line 4"
    assert err.field == "requests_received_in_year" and err.found == "2OO"


def test_negative_count(tmp_path: Path) -> None:
    err = error(write_release(tmp_path / "rel", edit("ceased_plans.csv", ",60\n", ",-60\n")))
    assert (err.where, err.field, err.problem) == ("line 4", "total_ceased", "a count below zero")


@pytest.mark.parametrize("text", ["nan", "inf", "1e400", "12 plans", "1,5"])
def test_nan_and_infinity_are_not_numbers(tmp_path: Path, text: str) -> None:
    err = error(write_release(tmp_path / "rel", edit("ceased_plans.csv", ",60\n", f',"{text}"\n')))
    assert (err.where, err.field, err.found) == ("line 4", "total_ceased", text)


def test_percentage_over_100(tmp_path: Path) -> None:
    text = csv_text("timeliness_20_week.csv").splitlines()
    cells = text[2].split(",")
    cells[LEAD.count(",") + 1 + 5] = "150.5"  # PC_plans_issued_20_weeks_ex of South East 2023
    text[2] = ",".join(cells)
    err = error(write_release(tmp_path / "rel", {"timeliness_20_week.csv": "\n".join(text).encode()}))
    assert (err.where, err.field, err.problem) == ("line 3", "PC_plans_issued_20_weeks_ex", "a percentage over 100")


def test_more_within_20_weeks_than_issued(tmp_path: Path) -> None:
    text = csv_text("timeliness_20_week.csv").splitlines()
    cells = text[1].split(",")
    cells[LEAD.count(",") + 1 + 3] = "190"  # plans_issued_20_weeks_ex > plans_issued_den_ex (180), England 2023
    text[1] = ",".join(cells)
    err = error(write_release(tmp_path / "rel", {"timeliness_20_week.csv": "\n".join(text).encode()}))
    assert err.where == "line 2" and err.field == "plans_issued_20_weeks_ex" and err.found == "190"


def test_duplicate_headline_rows(tmp_path: Path) -> None:
    lines = csv_text("newplans.csv").splitlines()
    lines.insert(5, lines[3])  # Kent 2023 again
    err = error(write_release(tmp_path / "rel", {"newplans.csv": ("\n".join(lines) + "\n").encode()}))
    assert "more than once" in err.problem and err.where == "line 4 and line 6"


def test_not_utf8(tmp_path: Path) -> None:
    raw = csv_text("caseload.csv").replace("Medway", "Medw\u00e4y").encode("latin-1")
    err = error(write_release(tmp_path / "rel", {"caseload.csv": raw}))
    assert "UTF-8" in err.problem and err.where == "line 5" and err.file.endswith("caseload.csv")


def test_empty_file(tmp_path: Path) -> None:
    err = error(write_release(tmp_path / "rel", {"assessments.csv": b""}))
    assert err.problem == "the file is empty" and err.file.endswith("data/assessments.csv")


def test_header_only(tmp_path: Path) -> None:
    header = csv_text("assessments.csv").splitlines()[0] + "\n"
    err = error(write_release(tmp_path / "rel", {"assessments.csv": header.encode()}))
    assert "no headline row" in err.problem and err.field == "breakdown"


def test_stray_carriage_return_in_header(tmp_path: Path) -> None:
    """Found by the random-damage test: a CR ends a row for pyarrow, so the header here is empty."""
    err = error(write_release(tmp_path / "rel", {"timeliness_20_week.csv": b"\r" + VALID}))
    assert err.where == "line 1" and "header" in err.problem


def test_row_with_missing_cells(tmp_path: Path) -> None:
    lines = csv_text("newplans.csv").splitlines()
    lines[4] = lines[4].rsplit(",", 1)[0]
    err = error(write_release(tmp_path / "rel", {"newplans.csv": ("\n".join(lines) + "\n").encode()}))
    assert err.where == "line 5" and "cells" in err.problem


@pytest.mark.parametrize(("old", "new", "field"), [
    ("2024,Calendar year", "2024/25,Calendar year", "time_period"),
    ("Local authority,E92000001", "Local Authority District,E92000001", "geographic_level"),
    (",886,", ",88,", "old_la_code"),
    ("E10000016", "Kent CC", "new_la_code"),
])
def test_bad_keys(tmp_path: Path, old: str, new: str, field: str) -> None:
    err = error(write_release(tmp_path / "rel", edit("ceased_plans.csv", old, new)))
    assert err.field == field and err.where.startswith("line ")


def test_academic_year_code_must_be_consecutive(tmp_path: Path) -> None:
    err = error(write_release(tmp_path / "rel", edit("caseload.csv", "202324,", "202326,")))
    assert err.field == "time_period" and "academic" in err.problem


def test_duplicated_column_with_different_values(tmp_path: Path) -> None:
    """Identical copies of a repeated column are fine (see the builder); differing copies of a used one are not."""
    text = csv_text("annual_reviews.csv").replace("review_meeting_prior_24,review_meeting_prior_24",
                                                  "review_meeting_prior_24,Review_Expected")
    err = error(write_release(tmp_path / "rel", {"annual_reviews.csv": text.encode()}))
    assert err.field == "review_expected" and "twice" in err.problem


def test_missing_release(tmp_path: Path) -> None:
    err = error(tmp_path / "nowhere.zip")
    assert err.problem == "DfE release not found"


# --- random damage --------------------------------------------------------------------------------------------

NASTY = st.sampled_from([b"x", b"z", b"", b"-1", b"1e400", b"nan", b"12.5", b"abc", b",", b'"', b"\n", b"\r\n",
                         b"\xff", b"\xc3", b"999999", b"0", b" ", b"All EHC plans issued", b"2024", b"202425",
                         b"National", b"E12000008"])


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(FILES)))
    data = bytearray(b"\xef\xbb\xbf" + csv_text(name).encode("utf-8"))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["replace", "insert", "delete", "truncate", "cell", "dupline"]))
        if kind == "replace" and at < len(data):
            data[at:at + 1] = draw(NASTY)
        elif kind == "insert":
            data[at:at] = draw(st.binary(max_size=4)) if draw(st.booleans()) else draw(NASTY)
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 20))]
        elif kind == "truncate":
            del data[at:]
        elif kind == "cell":
            lines = bytes(data).split(b"\n")
            row = draw(st.integers(0, len(lines) - 1))
            cells = lines[row].split(b",")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(NASTY)
            lines[row] = b",".join(cells)
            data = bytearray(b"\n".join(lines))
        elif kind == "dupline" and data.count(b"\n") > 1:
            lines = bytes(data).split(b"\n")
            row = draw(st.integers(1, len(lines) - 1))
            lines.insert(row, lines[row])
            data = bytearray(b"\n".join(lines))
    return name, bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=damaged())
def test_random_damage_loads_valid_data_or_raises_input_error(tmp_path_factory: pytest.TempPathFactory,
                                                              damage: tuple[str, bytes]) -> None:
    name, content = damage
    folder = write_release(tmp_path_factory.mktemp("rel"), {name: content})
    try:
        release = read_release([folder])
    except InputError as err:
        assert err.file and err.problem
        return
    EES.validate(release.table)
    t = release.table
    assert (t["plans_issued_within_20_weeks_ex"].fillna(0) <= t["plans_issued_ex"].fillna(float("inf"))).all()


# --- reader bounds (issue 23): checked before anything is decompressed, one message each -----------------------


def _patch_flags(path: Path, bit: int) -> None:
    """Set a general-purpose flag bit on every member, in the local headers and the central directory."""
    raw = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature)
        while at >= 0:
            flags = int.from_bytes(raw[at + offset: at + offset + 2], "little") | bit
            raw[at + offset: at + offset + 2] = flags.to_bytes(2, "little")
            at = raw.find(signature, at + 4)
    path.write_bytes(bytes(raw))


def test_zip_bomb_refused_before_reading(tmp_path: Path) -> None:
    """A member that unpacks 1,000 times its compressed size is refused from the zip header, not read."""
    path = write_zip(tmp_path / "rel.zip", skip=("requests.csv",))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/requests.csv", csv_text("requests.csv") + "x" * (8 * 1024 * 1024))
    err = error(path)
    assert err.file.endswith("rel.zip/data/requests.csv") and "compressed" in err.problem and "bomb" in err.problem


def test_member_larger_than_any_release_file_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers.sources import ees_files

    monkeypatch.setattr(ees_files, "MAX_MEMBER_BYTES", 500)
    err = error(write_zip(tmp_path / "rel.zip"))
    assert "would unpack to" in err.problem and err.expected == "at most 500 bytes"


def test_member_unpacking_past_its_declared_size_stops(tmp_path: Path) -> None:
    """A forged header (declared size smaller than the data) is caught while streaming, not after."""
    path = write_zip(tmp_path / "rel.zip")
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("data/caseload.csv")
    declared = info.file_size.to_bytes(4, "little")
    assert raw.count(declared) >= 2
    raw = raw.replace(declared, (info.file_size // 2).to_bytes(4, "little"))
    path.write_bytes(bytes(raw))
    err = error(path)
    assert err.file.endswith("data/caseload.csv")
    assert "more than its header says" in err.problem or "damaged" in err.problem


def test_duplicate_members_refused(tmp_path: Path) -> None:
    """Two requests.csv in different folders: refused, not the last one silently used."""
    path = write_zip(tmp_path / "rel.zip")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("copy/data/requests.csv", csv_text("requests.csv"))
    err = error(path)
    assert "two files called requests.csv" in err.problem and "copy/data/requests.csv" in err.where
    folder = write_release(tmp_path / "folder")
    (folder / "old").mkdir()
    (folder / "old" / "requests.csv").write_text(csv_text("requests.csv"))
    assert "two files called requests.csv" in error(folder).problem


def test_member_name_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "rel.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data/\u00e9\u00e9.csv", "a\n1\n")  # non-ASCII: stored as UTF-8 with flag 0x800
    path.write_bytes(path.read_bytes().replace("\u00e9\u00e9".encode(), b"\xff\xfe\xff\xfe"))
    err = error(path)
    assert "not a readable zip" in err.problem and "file name" in err.problem


def test_encrypted_member(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "rel.zip")
    _patch_flags(path, 0x1)
    err = error(path)
    assert "encrypted" in err.problem and err.file.startswith(str(path))


def test_paths_that_are_not_a_release(tmp_path: Path) -> None:
    """``ees: ["/"]`` and a device end in one message (the folder walk stops at 2,000 entries)."""
    assert "not an unzipped DfE release" in error(Path("/")).problem
    assert "not a regular file" in error(Path("/dev/zero")).problem


# --- the 2023 and 2024 releases: snake_case sen2_mi.csv ---------------------------------------------------------

MI_LEAD = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
           "new_la_code,old_la_code,la_name")
# the 2024 release's own column names (a subset, in its order); values invented, England = South East = 2 x Kent
MI_2024 = ("ass_none_ehc,ass_refused_ehc,inc_exc_20week_ehc,inc_exc_20week_rate,inreq_ehc,new_all_ehc,"
           "no_exc_20week_ehc,no_exc_20week_rate,tot_inc_exc_ehc,tot_no_exc_ehc")


def test_sen2_mi_snake_case(tmp_path: Path) -> None:
    """2014-2023 headline series in the 2024 layout: inreq_ehc, tot_no_exc_ehc, ... ; caseload from age 'Total'."""
    rows = [f"{MI_LEAD},{MI_2024}"]
    for level, area in AREAS[:3]:
        k = 1 if level == "Local authority" else 2
        rows.append(f"2023,Calendar year,{level},{area},{10 * k},{50 * k},{30 * k},75,{400 * k},{200 * k},"
                    f"{27 * k},75,{40 * k},{36 * k}")
    caseload = [f"{MI_LEAD},age,ehcp_or_statement,num_caseload,pc_caseload,,"]
    for level, area in AREAS[:3]:
        k = 1 if level == "Local authority" else 2
        caseload += [f"2024,Calendar year,{level},{area},Total,Total,{1000 * k},100,,",
                     f"2024,Calendar year,{level},{area},Under 5,Total,{100 * k},10,,"]
    folder = tmp_path / "rel" / "data"
    folder.mkdir(parents=True)
    (folder / "sen2_mi.csv").write_text("\n".join(rows) + "\n")
    (folder / "sen2_age_caseload.csv").write_text("\n".join(caseload) + "\n")
    release = read_release([folder.parent])
    kent = release.table.set_index(["area_code", "year"])
    assert kent.loc[("886", 2023), "requests_received"] == 400
    assert kent.loc[("886", 2023), "plans_issued_ex"] == 36 and kent.loc[("886", 2023), "pct_within_20_weeks_ex"] == 75
    assert kent.loc[("886", 2024), "plans_in_place"] == 1000  # the age 'Total' / 'Total' row, not 'Under 5'
    assert kent.loc[("E92000001", 2023), "new_plans"] == 400
    assert set(release.files["layout"]) == {"2023-2024 sen2_mi (snake_case)"}
    assert release.provenance["reporting_year"].max() == 2024
