"""The spool: a long list's rows kept in an anonymous file, read back unchanged."""

from __future__ import annotations

import multiprocessing
import os
import pickle

from hypothesis import given
from hypothesis import strategies as st

from postcards.inputs.people import Prisoner, Sender
from postcards.pairing.fair import Pairing
from postcards.spool import Spool

VALUES = st.recursive(
    st.none() | st.integers() | st.text() | st.binary(),
    lambda inner: st.tuples(inner, inner) | st.lists(inner, max_size=4),
    max_leaves=8,
)


@given(st.lists(VALUES, max_size=60), st.integers(min_value=1, max_value=200))
def test_every_value_comes_back_as_it_was_added(values: list, memory: int) -> None:
    """Past ``memory`` bytes the values go to the file: read in any order, each is itself."""
    spool = Spool(memory=memory)
    numbers = [spool.add(v) for v in values]
    assert numbers == list(range(len(values)))
    assert len(spool) == len(values)
    for number in reversed(numbers):  # out of order: the cache of the last one is not enough
        assert spool[number] == values[number]
    assert list(spool) == values


def test_a_value_changed_after_it_was_added_is_kept_as_it_was() -> None:
    spool = Spool(memory=8)
    row = ["ИК № 9", "г. Горки"]
    number = spool.add(row)
    row[0] = "changed"
    assert spool[number] == ["ИК № 9", "г. Горки"]


def _read_in_child(spool: Spool, number: int, out) -> None:
    out.send(spool[number])


def test_a_forked_worker_reads_the_same_spool() -> None:
    """Workers are forked after reading: pread keeps no file position to share."""
    spool = Spool(memory=64)
    for i in range(500):
        spool.add(f"row {i}")
    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_read_in_child, args=(spool, 321, send)
    )
    child.start()
    assert spool[7] == "row 7"  # the parent reads meanwhile
    assert receive.recv() == "row 321"
    child.join()
    assert child.exitcode == 0


def test_the_file_has_no_name_anyone_could_open(tmp_path) -> None:
    """Prisoners' rows never sit in a file under a name (nothing left by a crash)."""
    spool = Spool(tmp_path, memory=16)
    for i in range(100):
        spool.add(f"Бяляцкі Алесь №{i}, ИК № 9")
    assert os.listdir(tmp_path) == []
    assert spool[99] == "Бяляцкі Алесь №99, ИК № 9"


def _prisoner(i: int) -> Prisoner:
    return Prisoner(
        f"P{i}",
        f"Лосик Ігар №{i}",
        i + 2,
        institution="ИК № 9",
        address=("ул. Заводская, 1",),
        postcode="213410",
        city="г. Горки",
        language="be",
        extra={"note": str(i)},
    )


def _sender(i: int) -> Sender:
    return Sender(f"S{i}", f"Jūratė Kazlauskienė {i}", i + 2, title="MEP", language="lt")


def test_a_record_kept_in_a_spool_is_the_record() -> None:
    """Every field reads back, equality and hashing hold, and a worker gets every field."""
    spool = Spool(memory=32)
    originals = [_prisoner(i) for i in range(50)]
    kept = [p.kept_in(spool) for p in originals]
    for original, record in zip(originals, kept, strict=True):
        assert record == original and hash(record) == hash(original)
        assert record.as_dict() == original.as_dict()
        assert record.address == ("ул. Заводская, 1",) and record.extra == original.extra
        assert pickle.loads(pickle.dumps(record)).as_dict() == original.as_dict()
    assert kept[3] != kept[4]


def test_a_loaded_pairing_has_its_own_people_however_the_cards_come() -> None:
    """Planning loads a card's sender once for all its cards: never another sender's."""
    senders = [_sender(i).kept_in(Spool(memory=8)) for i in range(3)]
    prisoners = [_prisoner(i).kept_in(Spool(memory=8)) for i in range(6)]
    order = [0, 0, 1, 0, 2, 2, 1]  # not always together: a reprint may interleave them
    for n, s in enumerate(order):
        pairing = Pairing(senders[s], prisoners[n % 6], "be", None, "adopted", "Трымайцеся!")
        loaded = pairing.loaded()
        assert loaded.sender.as_dict() == senders[s].as_dict()
        assert loaded.prisoner.as_dict() == prisoners[n % 6].as_dict()
        assert (loaded.language, loaded.reason, loaded.message) == ("be", "adopted", "Трымайцеся!")
        assert loaded == pairing


def test_a_list_read_for_a_print_run_keeps_every_row_in_its_spool(tmp_path) -> None:
    """A print run spools every row, the first too; a check keeps them in memory: same rows."""
    from postcards.inputs.reading import load_prisoners

    path = tmp_path / "prisoners.csv"
    path.write_text(
        "id,name,birth_year,institution,address,postcode,city,language\n"
        + "".join(
            f"P{i},Лосик Ігар {i},{1970 + i},ИК № 9,ул. Заводская 1,213410,г. Горки,be\n"
            for i in range(5)
        ),
        encoding="utf-8",
    )
    spooled = load_prisoners(path)
    in_memory = load_prisoners(path, spooled=False)
    assert not [p for p in spooled.problems if not p.warning]
    assert spooled.problems == in_memory.problems
    assert [p.as_dict() for p in spooled.records] == [p.as_dict() for p in in_memory.records]
    assert spooled.records == in_memory.records
    spools = {id(p._spool) for p in spooled.records}
    assert len(spools) == 1 and None not in {p._spool for p in spooled.records}
    assert len(spooled.records[0]._spool) == 5  # type: ignore[arg-type]
    assert all(p._spool is None for p in in_memory.records)
