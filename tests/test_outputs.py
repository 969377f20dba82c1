"""Outputs: never over an input, the ledger or the design; clear errors; private modes."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, read_manifest, run

DESIGN = ROOT / "templates" / "solidarity"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def image_named_by(folder: Path, list_name: str, column: str, named: str) -> Path:
    """A JPEG saved as ``named`` in ``folder`` (whatever its name ends in), and a column of
    the list that gives it for every row: a signature or a photo an output must spare."""
    image = folder / named
    image.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DESIGN / "motif.jpg", image)
    path = folder / list_name
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [lines[0] + f",{column}"] + [line + f",{named}" for line in lines[1:]]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return image


@pytest.fixture
def umask() -> Iterator[callable]:
    """Set the process's umask for one test (the CLI runs in-process)."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# 1. An output never replaces an input, the ledger or a file of the design -----------------


@pytest.mark.parametrize(
    "name, what",
    [
        ("tracking.db", "the ledger"),
        ("prisoners.csv", "the prisoners list"),
        ("senders.csv", "the senders list"),
        ("campaign.toml", "the campaign file"),
        ("tracking.db-wal", "the ledger's journal"),
    ],
)
def test_cards_never_writes_over_the_campaign(printed: Path, name: str, what: str) -> None:
    ledger, before = printed / "tracking.db", {}
    (printed / "tracking.db-wal").write_bytes(b"")
    before = {p.name: digest(p) for p in printed.iterdir() if p.is_file()}
    result = run("-c", printed, "cards", "-o", printed / name)
    assert result.exit_code == 2
    assert f"{printed / name} would replace {what} {printed / name}" in result.stderr
    assert {p.name: digest(p) for p in printed.iterdir() if p.is_file()} == before
    assert ledger.stat().st_size > 0


def test_a_symlink_or_hard_link_to_the_ledger_is_refused(printed: Path) -> None:
    ledger = printed / "tracking.db"
    before = digest(ledger)
    (printed / "soft.pdf").symlink_to(ledger)
    os.link(ledger, printed / "hard.pdf")
    for name in ("soft.pdf", "hard.pdf"):
        result = run("-c", printed, "cards", "-o", printed / name)
        assert result.exit_code == 2, name
        assert f"would replace the ledger {ledger}" in result.stderr
    assert digest(ledger) == before


def test_a_derived_file_is_checked_too(campaign: Path) -> None:
    """cards -o pairs.pdf writes pairs.manifest.csv: that must not be the assignments."""
    pairs = campaign / "pairs.manifest.csv"
    pairs.write_text("sender_id,prisoner_id\nS1,P1\n", encoding="utf-8")
    result = run("-c", campaign, "cards", "--assignments", pairs, "-o", campaign / "pairs.pdf")
    assert result.exit_code == 2
    assert f"would replace the assignments file {pairs}" in result.stderr
    assert pairs.read_text(encoding="utf-8") == "sender_id,prisoner_id\nS1,P1\n"
    assert not (campaign / "pairs.pdf").exists()
    assert not (campaign / "tracking.db").exists()


def test_assign_rewrites_its_own_file_but_no_other_input(campaign: Path) -> None:
    own = run("-c", campaign, "assign")
    assert own.exit_code == 0, own.stderr
    again = run(
        "-c",
        campaign,
        "assign",
        "--assignments",
        campaign / "assignments.csv",
        "-o",
        campaign / "assignments.csv",
    )
    assert again.exit_code == 0, again.stderr
    before = digest(campaign / "prisoners.csv")
    result = run("-c", campaign, "assign", "-o", campaign / "prisoners.csv")
    assert result.exit_code == 2
    assert f"would replace the prisoners list {campaign / 'prisoners.csv'}" in result.stderr
    assert digest(campaign / "prisoners.csv") == before
    other = run(
        "-c",
        campaign,
        "cards",
        "--assignments",
        campaign / "assignments.csv",
        "-o",
        campaign / "assignments.csv",
    )
    assert other.exit_code == 2
    assert "would replace the assignments file" in other.stderr


def test_poster_pages_never_replace_a_signature(campaign: Path) -> None:
    """Share images are NAME-1080x1080.png …: a signature of that name stays."""
    signature = image_named_by(campaign, "senders.csv", "signature", "sig-1080x1350.png")
    before = digest(signature)
    result = run(
        "-c",
        campaign,
        "poster",
        "--kind",
        "share",
        "--count",
        "assigned",
        "-o",
        campaign / "sig.png",
    )
    assert result.exit_code == 2
    assert f"would replace a signature {signature}" in result.stderr
    assert digest(signature) == before
    assert not list(campaign.glob("sig-1080x1080.png"))


def test_poster_and_calibrate_never_replace_the_design(campaign: Path, tmp_path: Path) -> None:
    design = tmp_path / "design"
    shutil.copytree(DESIGN, design)
    toml = campaign / "campaign.toml"
    toml.write_text(toml.read_text().replace("[cards]\n", f'[cards]\ndesign = "{design}"\n'))
    before = digest(design / "motif.jpg")
    poster = run("-c", campaign, "poster", "-o", design / "motif.jpg")
    assert poster.exit_code == 2
    assert f"would replace a file of the design {design / 'motif.jpg'}" in poster.stderr
    (design / "sheet.pdf").symlink_to(design / "motif.jpg")
    calibrate = run("-c", campaign, "calibrate", "-o", design / "sheet.pdf")
    assert calibrate.exit_code == 2
    assert "would replace a file of the design" in calibrate.stderr
    assert digest(design / "motif.jpg") == before


def test_report_and_archive_never_replace_the_lists_or_ledger(printed: Path) -> None:
    code = read_manifest(printed / "first.manifest.csv")[0]["code"]
    assert run("-c", printed, "track", "mark", code, "--status", "sent").exit_code == 0
    prisoners, ledger = printed / "prisoners.csv", printed / "tracking.db"
    before = (digest(prisoners), digest(ledger))
    report = run("-c", printed, "track", "report", "-o", prisoners)
    assert report.exit_code == 2
    assert f"would replace the prisoners list {prisoners}" in report.stderr
    archive = printed / "archive"
    prisoner = read_manifest(printed / "first.manifest.csv")[0]["prisoner_id"]
    assert run("-c", printed, "track", "export", "--texts", archive).exit_code == 0
    assert run("-c", printed, "track", "export", "--texts", archive).exit_code == 0  # again
    (archive / f"{prisoner}.pdf").unlink()
    os.link(ledger, archive / f"{prisoner}.pdf")
    export = run("-c", printed, "track", "export", "--texts", archive)
    assert export.exit_code == 2
    assert f"would replace the ledger {ledger}" in export.stderr
    assert (digest(prisoners), digest(ledger)) == before
    assert files_under(archive) == [f"{prisoner}.pdf"]


def test_demo_refuses_a_campaign_folder_and_init_an_existing_list(
    campaign: Path, tmp_path: Path
) -> None:
    before = {p.name: digest(p) for p in campaign.iterdir()}
    demo = run("demo", "-o", campaign)
    assert demo.exit_code == 2
    assert "campaign.toml" in demo.stderr
    lists = tmp_path / "lists"
    lists.mkdir()
    shutil.copyfile(campaign / "prisoners.csv", lists / "prisoners.csv")
    init = run("init", lists)
    assert init.exit_code == 2
    assert f"{lists / 'prisoners.csv'} exists already" in init.stderr
    assert digest(lists / "prisoners.csv") == before["prisoners.csv"]
    assert files_under(lists) == ["prisoners.csv"]
    assert {p.name: digest(p) for p in campaign.iterdir()} == before


@pytest.mark.parametrize(
    "command, output, says",
    [
        (["cards"], "preview.png", ".pdf"),
        (["calibrate"], "calibrate.png", ".pdf"),
        (["assign"], "pairs.pdf", ".csv"),
        (["poster"], "poster.gif", ".pdf, .png, .jpg or .jpeg"),
        (["track", "report"], "report.txt", ".csv, .xlsx or .html"),
    ],
)
def test_a_wrong_extension_is_a_usage_error(
    printed: Path, command: list[str], output: str, says: str
) -> None:
    result = run("-c", printed, *command, "-o", printed / output)
    assert result.exit_code == 2
    assert f"writes {says} files" in result.stderr
    assert not (printed / output).exists()


# 2. Output problems: a clear message, exit 1, nothing written, the ledger unchanged --------


def assert_clean_failure(result, campaign: Path, ledger_before: str, message: str) -> None:
    assert result.exit_code == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert digest(campaign / "tracking.db") == ledger_before
    assert not list(campaign.rglob("*.part"))


def test_a_folder_or_a_file_in_the_way(printed: Path) -> None:
    before = digest(printed / "tracking.db")
    (printed / "taken.pdf").mkdir()
    folder = run("-c", printed, "cards", "-o", printed / "taken.pdf")
    assert_clean_failure(folder, printed, before, "it is a folder; give a file name")
    below_file = run("-c", printed, "cards", "-o", printed / "prisoners.csv" / "c.pdf")
    assert_clean_failure(below_file, printed, before, "is a file, not a folder")
    proc = run("-c", printed, "cards", "-o", "/proc/cards.pdf")
    assert_clean_failure(proc, printed, before, "cannot write /proc/cards.pdf")


def test_an_unwritable_folder(printed: Path, tmp_path: Path) -> None:
    before = digest(printed / "tracking.db")
    locked = tmp_path / "locked"
    locked.mkdir()
    if os.geteuid() == 0:  # root writes anywhere a permission allows: mount it read-only
        if subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", locked]
        ).returncode:
            pytest.skip("cannot mount a read-only tmpfs here")
    else:
        locked.chmod(0o500)
    try:
        result = run("-c", printed, "cards", "-o", locked / "cards.pdf")
        report = run("-c", printed, "track", "report", "-o", locked / "sub" / "report.html")
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", locked], check=True)
        locked.chmod(0o700)
    assert_clean_failure(result, printed, before, f"the folder {locked} is not writable")
    assert_clean_failure(report, printed, before, f"the folder {locked} is not writable")
    assert files_under(locked) == []


def test_a_full_disk_writes_nothing(printed: Path, full_disk: Path) -> None:
    before = digest(printed / "tracking.db")
    result = run("-c", printed, "cards", "--wave", "T2", "-o", full_disk / "new" / "cards.pdf")
    assert_clean_failure(
        result,
        printed,
        before,
        f"cannot write in {full_disk / 'new'}: No space left on device; free some space",
    )
    assert files_under(full_disk) == []  # no .part file, and no folder left behind
    poster = run(
        "-c",
        printed,
        "poster",
        "--kind",
        "share",
        "--count",
        "assigned",
        "-o",
        full_disk / "share.png",
    )
    assert_clean_failure(poster, printed, before, "No space left on device")
    assert files_under(full_disk) == []


# 3. File modes: the user's umask, never wider than 0640 ------------------------------------


@pytest.mark.parametrize("mask, expected", [(0o022, 0o640), (0o077, 0o600), (0o002, 0o640)])
def test_outputs_are_private(campaign: Path, umask, mask: int, expected: int) -> None:
    umask(mask)
    out = campaign / "out"
    steps = [
        ("assign", "-o", out / "assignments.csv"),
        ("cards", "--assignments", out / "assignments.csv", "-o", out / "cards.pdf"),
        ("track", "report", "-o", out / "report.html"),
        ("poster", "--kind", "wall", "-o", out / "wall.png"),
    ]
    for step in steps:
        result = run("-c", campaign, *step)
        assert result.exit_code == 0, (step, result.stderr)
    written = [
        out / n
        for n in ("assignments.csv", "cards.pdf", "cards.manifest.csv", "report.html", "wall.png")
    ] + [campaign / "tracking.db"]
    assert {p.name: oct(mode(p)) for p in written} == {p.name: oct(expected) for p in written}


def test_init_files_are_private(tmp_path: Path, umask) -> None:
    umask(0o022)
    assert run("init", tmp_path / "new").exit_code == 0
    assert {p.name: oct(mode(p)) for p in (tmp_path / "new").iterdir()} == {
        n: "0o640" for n in ("campaign.toml", "senders.xlsx", "prisoners.csv")
    }


def test_a_replaced_file_never_gets_a_wider_mode(printed: Path, umask) -> None:
    umask(0o022)
    pdf = printed / "first.pdf"
    pdf.chmod(0o600)
    assert run("-c", printed, "cards", "-o", pdf).exit_code == 0
    assert mode(pdf) == 0o600
    assert mode(printed / "first.manifest.csv") == 0o640


def test_demo_never_writes_into_the_current_campaigns_ledger(printed: Path, tmp_path: Path) -> None:
    ledger = printed / "tracking.db"
    before = digest(ledger)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "tracking.db").symlink_to(ledger)
    result = run("-c", printed, "demo", "-o", elsewhere)
    assert result.exit_code == 2
    assert f"would replace the ledger {ledger}" in result.stderr
    assert digest(ledger) == before
    assert files_under(elsewhere) == ["tracking.db"]
    again = tmp_path / "again"  # no campaign.toml: the tracking.db is an earlier demo's
    again.mkdir()
    (again / "tracking.db").write_bytes(b"")
    assert run("demo", "-o", ".", cwd=again).exit_code == 0
    assert run("demo", "-o", ".", cwd=again).exit_code == 0  # the demo's own folder, again


def test_demo_never_replaces_a_campaigns_printed_cards(printed: Path) -> None:
    """`postcards demo -o out` inside a campaign whose cards went to out/cards.pdf."""
    assert run("-c", printed, "cards", "-o", printed / "out" / "cards.pdf").exit_code == 0
    before = {p.name: digest(p) for p in (printed / "out").iterdir()}
    result = run("demo", "-o", "out", cwd=printed)
    assert result.exit_code == 2
    assert (
        "holds cards.pdf, cards.manifest.csv, cards.ticket.pdf, which postcards demo did not write"
        in result.stderr
    )
    assert {p.name: digest(p) for p in (printed / "out").iterdir()} == before


# --- CSV files carry a UTF-8 byte order mark, for Excel (issue 22) ------------------------

BOM = b"\xef\xbb\xbf"


def _header(path: Path) -> list[str]:
    """The header row, read as Excel on Windows reads a CSV file that starts with a BOM."""
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def _csv_outputs(campaign: Path, *flags: str, after: tuple[str, ...] = ()) -> list[Path]:
    """assign, cards (of assign's pairs) and track report -o CSV; the CSV files they wrote."""
    pairs, out = campaign / "pairs.csv", campaign / "out"
    for args in (
        ["assign", "-o", pairs],
        ["cards", "--assignments", pairs, "-o", out / "cards.pdf"],
        ["track", "report", "-o", out / "report.csv"],
    ):
        result = run(*flags, "-c", campaign, *args, *after)
        assert result.exit_code == 0, (args, result.stderr)
    return [pairs, out / "cards.manifest.csv", *(out / f"report.{t}.csv" for t in TABLES)]


TABLES = ("prisoners", "senders", "parliaments", "offices", "totals")
HEADERS = ["sender_id", "code", "prisoner_id", "sender_id", "parliament", "office", "status"]


def test_every_csv_output_starts_with_a_bom_and_reads_back(campaign: Path) -> None:
    from postcards.inputs.spreadsheets import read_table

    written = _csv_outputs(campaign)
    for path, first in zip(written, HEADERS, strict=True):
        data = path.read_bytes()
        assert data[:3] == BOM, path.name
        assert BOM not in data[3:] and "\ufeff" not in data[3:].decode("utf-8"), path.name
        assert _header(path)[0] == first, path.name
    pairs, manifest = written[0], written[1]
    table = read_table(pairs)  # postcards reads its own file: the BOM is not in a header
    assert table.headers[:3] == ["sender_id", "sender_name", "prisoner_id"]
    assigned = {(r.cells["sender_id"], r.cells["prisoner_id"]) for r in table.rows}
    assert {(r["sender_id"], r["prisoner_id"]) for r in read_manifest(manifest)} == assigned
    assert len(assigned) == 4


@pytest.mark.parametrize("where", ["before", "after"])
def test_no_bom_before_or_after_the_command(campaign: Path, where: str) -> None:
    if where == "before":
        written = _csv_outputs(campaign, "--no-bom")
    else:
        written = _csv_outputs(campaign, after=("--no-bom",))
    for path, first in zip(written, HEADERS, strict=True):
        assert path.read_bytes().startswith(first.encode()), path.name
    printed = run("-c", campaign, "cards", "--assignments", written[0], "-o", campaign / "c.pdf")
    assert printed.exit_code == 0 and "4 cards on 4 sheets" in printed.stdout


def test_assign_rewrites_its_file_with_one_bom_at_the_start(campaign: Path) -> None:
    """A second wave's pairs go into the same file: written whole again, never appended to."""
    pairs = campaign / "assignments.csv"
    pairs.write_text("sender_id,prisoner_id,wave\nS1,P1,T0\n", encoding="utf-8")  # by hand
    for wave in ("T1", "T2"):
        assert run("-c", campaign, "assign", "--wave", wave, "-o", pairs).exit_code == 0
        data = pairs.read_bytes()
        assert data[:3] == BOM and BOM not in data[3:]
    rows = read_manifest(pairs)
    assert [r["wave"] for r in rows] == ["T0"] + ["T1"] * 4 + ["T2"] * 4
    assert run("--no-bom", "-c", campaign, "assign", "--wave", "T3", "-o", pairs).exit_code == 0
    assert pairs.read_bytes().startswith(b"sender_id,") and len(read_manifest(pairs)) == 13


def test_the_demo_writes_bom_csv_files_unless_told_not_to(demo: Path, tmp_path: Path) -> None:
    assert run("demo", "--no-bom", "-o", tmp_path / "plain").exit_code == 0
    for out, mark in ((demo, BOM), (tmp_path / "plain", b"")):
        assert (out / "assignments.csv").read_bytes().startswith(mark + b"sender_id,")
        for manifest in ("cards.manifest.csv", "sheets-a4-2up.manifest.csv"):
            assert (out / manifest).read_bytes().startswith(mark + b"code,")


@pytest.mark.parametrize("output", ["cards.pdf", "cards.ticket.pdf"])
def test_cards_never_replace_a_signature_they_print(campaign: Path, output: str) -> None:
    """The lists are read once; the signatures they name are guarded before anything is written.

    A signature saved under a name that ends in .pdf (a PNG all the same) is refused as
    the output, or as one of the files named after it, and stays as it was.
    """
    signature = image_named_by(campaign, "senders.csv", "signature", f"sig/{output}")
    before = digest(signature)
    result = run("-c", campaign, "cards", "-o", campaign / "sig" / "cards.pdf")
    assert result.exit_code == 2, result.stdout + result.stderr
    assert f"would replace a signature {signature}" in result.stderr
    assert digest(signature) == before
    assert files_under(campaign / "sig") == [output]
    assert not (campaign / "tracking.db").exists()


def _opened(folder: Path, *args: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """``postcards ARGS`` in a process of its own, and the files it opened (Python's audit
    events: every ``open`` the readers make)."""
    script = (
        "import sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda event, a: opened.append(str(a[0])) if event == 'open' else None)\n"
        "from postcards.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "finally:\n"
        "    print('\\n'.join(['OPENED', *opened]), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=folder, capture_output=True, text=True
    )
    return done, done.stderr.partition("OPENED\n")[2].splitlines()


#: Commands an office runs again and again over the same files, what they print then, and
#: the list the output guard reads though the command does not (a wall poster draws the
#: prisoners; a signature in the senders list may still bear its name).
AGAIN = {
    "track report": (("track", "report", "-o", "report.csv"), "report -> report.prisoners.csv", ""),
    "proof": (("proof", "--only", "P1"), "proofs", ""),
    "wall poster": (("poster", "--kind", "wall", "-o", "wall.pdf"), "wall.pdf", "senders.csv"),
    "godparents poster": (
        ("poster", "--count", "assigned", "-o", "godparents.pdf"),
        "godparents.pdf",
        "",
    ),
}


@pytest.mark.parametrize("command", AGAIN)
def test_a_command_over_its_last_output_reads_the_lists_once(printed: Path, command: str) -> None:
    """An office writes today's report (proofs, poster) over yesterday's: the lists are
    read as often as the first time, not again to find the photos and signatures no
    output may replace (100,000 rows were read a second time, for a poster a third)."""
    args, said, unread = AGAIN[command]
    first, fresh = _opened(printed, *args)
    again, over = _opened(printed, *args)
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert said in again.stdout
    for name in ("prisoners.csv", "senders.csv"):  # the campaign's (not the bundled example's)
        path = (printed / name).resolve()
        opens = [sum((printed / o).resolve() == path for o in files) for files in (fresh, over)]
        if name == unread:  # read by the guard alone, once
            assert opens[0] == 0 and opens[1] > 0, (name, opens)
        else:
            assert opens[0] > 0 and opens[1] == opens[0], (name, opens)


@pytest.mark.parametrize(
    ("command", "named"),
    [
        (("track", "report", "-o", "photos/report.xlsx"), "photos/report.xlsx"),
        (("proof", "--only", "P1", "-o", "photos"), "photos/0001-front-S1-P1.png"),
        (("poster", "--kind", "wall", "-o", "photos/wall.pdf"), "photos/wall.pdf"),
    ],
)
def test_a_photo_under_an_outputs_name_stays(
    printed: Path, command: tuple[str, ...], named: str
) -> None:
    """A photo the prisoners list names is never replaced, though the lists are read once."""
    photo = image_named_by(printed, "prisoners.csv", "photo", named)
    before = digest(photo)
    refused = run("-c", printed, *command, cwd=printed)
    assert refused.exit_code == 2, refused.stdout + refused.stderr
    assert f"would replace a photo {photo}" in refused.stderr
    assert digest(photo) == before


def test_a_report_spares_a_photo_when_the_senders_list_cannot_be_read(printed: Path) -> None:
    """The report reads the lists leniently: an unreadable senders list stops its reading
    (the report then uses the ledger alone), but the prisoners' photos are still looked
    for, and one saved under the report's name is refused."""
    photo = image_named_by(printed, "prisoners.csv", "photo", "report.xlsx")
    (printed / "senders.csv").write_text("", encoding="utf-8")  # no header row
    before = digest(photo)
    refused = run("-c", printed, "track", "report", "-o", photo, cwd=printed)
    assert refused.exit_code == 2, refused.stdout + refused.stderr
    assert f"would replace a photo {photo}" in refused.stderr
    assert digest(photo) == before
