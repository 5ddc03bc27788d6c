"""The SOP definition: the packaged one loads, a broken one is refused with a clear message,
and the state machine follows whatever the data says."""

from __future__ import annotations

import copy
import re
from datetime import datetime
from importlib.resources import files
from typing import Any

import pytest
import yaml

from pengaduan.core import timeutil
from pengaduan.core.case import Case, Entry
from pengaduan.core.sla import step_timings
from pengaduan.core.sop import START, load_sop
from pengaduan.errors import InputError, SopError

PACKAGED = yaml.safe_load(files("pengaduan.data").joinpath("sop.yaml").read_bytes())
TZ = timeutil.zone("Asia/Jakarta")


def definition() -> dict[str, Any]:
    """A fresh deep copy of the packaged definition, free to break."""
    return copy.deepcopy(PACKAGED)


def step_item(data: dict[str, Any], number: int) -> dict[str, Any]:
    return next(item for item in data["langkah"] if item["nomor"] == number)


def transition_item(data: dict[str, Any], action: str) -> dict[str, Any]:
    return next(item for item in data["transisi"] if item["aksi"] == action)


def refused(data: Any) -> str:
    with pytest.raises(SopError) as info:
        load_sop(data)
    message = str(info.value)
    assert message.startswith("definisi SOP tidak sah: ")
    assert "\n" not in message
    return message


# -- the packaged definition ---------------------------------------------------------------


def test_packaged_definition_loads_with_the_sop_table():
    sop = load_sop(definition())
    assert sop.number == "276/SOP/KBKIE/2024"
    assert set(sop.roles) == {"pelapor", "admin", "redaktur", "pimred", "kabid", "kadin"}
    assert {n: s.minutes for n, s in sop.steps.items()} == {
        1: 5, 2: 10, 3: 5, 4: 10, 5: 10, 6: 10, 7: 10, 8: 10, 9: 10, 10: 10, 11: 5
    }  # fmt: skip
    assert {n: s.actor for n, s in sop.steps.items()} == {
        1: "admin", 2: "admin", 3: "admin", 4: "admin", 5: "admin", 6: "admin",
        7: "pimred", 8: "kabid", 9: "kabid", 10: "pimred", 11: "admin",
    }  # fmt: skip
    assert {n: s.minutes for n, s in sop.report_steps.items()} == {12: 5, 13: 60, 14: 120, 15: 120}
    assert sop.final_statuses == ("selesai", "bukan_pengaduan", "duplikat", "dirujuk")  # status_akhir, then the referral's
    assert sop.general_recorders == ("admin",)
    assert sop.steps[5].recorders == ("redaktur",)


def test_packaged_transitions_give_the_four_paths():
    sop = load_sop(definition())

    def walk(*actions: str) -> list[int]:
        step, status, seen = START, "", []
        for action in actions:
            t = sop.transition(action)
            assert t in sop.allowed_from(step, status), (action, step)
            step, status = t.target, t.status
            seen.append(step)
        assert status in sop.final_statuses
        assert sop.allowed_from(step, status) == []
        return seen

    assert walk("terima", "verifikasi", "respon_tuntas") == [1, 2, 3]
    assert walk("terima", "verifikasi", "respon", "selesai") == [1, 2, 3, 11]
    assert walk("terima", "verifikasi", "respon", "teruskan_redaktur", "jawab_redaktur") == [1, 2, 3, 4, 5]
    silent = ("terima", "verifikasi", "respon", "teruskan_redaktur", "teruskan_pimred", "koordinasi_kabid",
              "koordinasi_kadin", "jawab_kabid", "jawab_pimred", "selesai")  # fmt: skip
    assert walk(*silent) == [1, 2, 3, 4, 6, 7, 8, 9, 10, 11]
    assert walk("terima", "bukan_pengaduan") == [1, 2]


def test_store_copy_is_the_packaged_file(store):
    assert (store.root / "sop.yaml").read_bytes() == files("pengaduan.data").joinpath("sop.yaml").read_bytes()
    assert store.sop.steps == load_sop(definition()).steps


# -- validation ----------------------------------------------------------------------------


def test_unknown_role_as_performer():
    data = definition()
    step_item(data, 7)["pelaksana"] = "direktur"
    message = refused(data)
    assert "langkah 7" in message and "'direktur'" in message
    assert "admin" in message and "pimred" in message  # the roles that do exist


def test_unknown_role_as_recorder():
    data = definition()
    step_item(data, 5)["pencatat"] = ["sekretaris"]
    assert "'sekretaris'" in refused(data)


def test_unknown_general_recorder():
    data = definition()
    data["pencatat_umum"] = ["operator"]
    assert "pencatat_umum" in refused(data) and "'operator'" in refused(data)


def test_transition_to_missing_step():
    data = definition()
    transition_item(data, "selesai")["ke"] = 42
    message = refused(data)
    assert "'selesai'" in message and "42" in message and "tidak ada" in message


def test_transition_from_missing_step():
    data = definition()
    transition_item(data, "selesai")["dari"] = [3, 99]
    message = refused(data)
    assert "'selesai'" in message and "99" in message


def test_unreachable_end_state():
    data = definition()
    data["status_akhir"].append("dibatalkan")
    message = refused(data)
    assert "status akhir 'dibatalkan' tidak dapat dicapai" in message


def test_end_state_whose_only_transition_is_gone():
    data = definition()
    data["transisi"] = [t for t in data["transisi"] if t["aksi"] != "bukan_pengaduan"]
    assert "status akhir 'bukan_pengaduan' tidak dapat dicapai" in refused(data)


def test_duplicate_step_number():
    data = definition()
    step_item(data, 6)["nomor"] = 5
    assert "nomor langkah 5 ganda" in refused(data)


def test_report_step_number_clashing_with_a_case_step():
    data = definition()
    data["langkah_laporan"][0]["nomor"] = 3
    assert "nomor langkah 3 ganda" in refused(data)


def test_duplicate_action():
    data = definition()
    data["transisi"].append(copy.deepcopy(transition_item(data, "respon")))
    assert "aksi 'respon' ganda" in refused(data)


def test_unreachable_step():
    data = definition()
    data["langkah"].append({"nomor": 20, "pelaksana": "admin", "kegiatan": "Arsip.", "waktu_menit": 5})
    assert "langkah 20 tidak dapat dicapai" in refused(data)


def test_step_reachable_only_from_an_unreachable_step():
    data = definition()
    # 6 is no longer entered from 4, so 6 and everything only reachable through it are unreachable.
    transition_item(data, "teruskan_pimred")["dari"] = [6]
    assert "langkah 6, 7, 8, 9, 10 tidak dapat dicapai" in refused(data)


def test_open_step_without_a_way_to_an_end():
    data = definition()
    transition_item(data, "selesai")["dari"] = [3]  # step 10 (dijawab_pimred) becomes a dead end
    assert "dari langkah 10 tidak ada jalan ke status akhir" in refused(data)


def test_no_transition_from_a_new_complaint():
    data = definition()
    transition_item(data, "terima")["dari"] = [1]
    assert "langkah 0" in refused(data)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("waktu_menit", 0, "waktu_menit langkah 4 harus bilangan bulat positif"),
        ("waktu_menit", "sepuluh", "waktu_menit langkah 4 harus bilangan bulat positif"),
        ("waktu_menit", None, "'waktu_menit' wajib ada"),
        ("pelaksana", None, "'pelaksana' wajib ada"),
        ("nomor", -4, "nomor langkah '-4' harus bilangan bulat positif"),
    ],
)
def test_bad_step_fields(key, value, expected):
    data = definition()
    step_item(data, 4)[key] = value
    assert expected in refused(data)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: transition_item(d, "verifikasi").update(dari=1), "'dari' di transisi ke-2 (verifikasi) harus berupa daftar"),
        (lambda d: step_item(d, 5).update(pencatat="redaktur"), "'pencatat' langkah 5 harus berupa daftar"),
        (lambda d: d.update(pencatat_umum="admin"), "'pencatat_umum' harus berupa daftar"),
        (lambda d: d.update(status_akhir="selesai"), "'status_akhir' harus berupa daftar"),
        (lambda d: d.update(transisi={"aksi": "terima"}), "'transisi' harus berupa daftar"),
        (lambda d: d["transisi"].append("selesai"), "transisi ke-15 harus berupa pemetaan"),
        (lambda d: d.update(langkah=11), "'langkah' harus berupa daftar"),
        (lambda d: d["langkah"].append("langkah dua belas"), "langkah ke-12 harus berupa pemetaan"),
        (lambda d: d.pop("status_akhir"), "'status_akhir' wajib ada"),
        (lambda d: transition_item(d, "respon").pop("status"), "'status' wajib ada di transisi ke-4 (respon)"),
    ],
)
def test_malformed_structure_is_refused_not_crashed(edit, expected):
    data = definition()
    edit(data)
    assert expected in refused(data)


def test_not_a_mapping():
    assert "pemetaan" in refused(["langkah"])


def test_unknown_action_is_an_sop_error():
    sop = load_sop(definition())
    with pytest.raises(SopError, match="aksi 'hapus' tidak ada"):
        sop.transition("hapus")


# -- the state machine is built from the data alone ------------------------------------------


def _case(*entries: tuple[int, str, str]) -> Case:
    history = tuple(
        Entry(step=step, action=action, status="x", performer_role="admin", performer_name=None, recorder="ani",
              time=datetime.fromisoformat(time))
        for step, action, time in entries
    )
    return Case(
        id="261102-ABCDEFG", status="x", step=history[-1].step, platform="instagram", account="@a", text="t",
        received_at=history[0].time, history=history,
    )  # fmt: skip


def test_minutes_come_from_the_definition():
    case = _case(
        (1, "terima", "2026-11-02T09:00:00+07:00"),
        (2, "verifikasi", "2026-11-02T09:25:00+07:00"),  # 25 minutes for step 2
    )
    packaged = step_timings(case, load_sop(definition()), TZ)
    assert [(t.step, t.standard, t.met) for t in packaged] == [(1, 5, True), (2, 10, False)]

    data = definition()
    step_item(data, 2)["waktu_menit"] = 30
    revised = step_timings(case, load_sop(data), TZ)
    assert [(t.step, t.standard, t.met) for t in revised] == [(1, 5, True), (2, 30, True)]


def test_transitions_come_from_the_definition():
    packaged = load_sop(definition())
    assert "teruskan_pimred" not in [t.action for t in packaged.allowed_from(3, "direspon")]

    data = definition()
    transition_item(data, "teruskan_pimred")["dari"] = [3, 4]  # a revision: straight to the Pimred
    revised = load_sop(data)
    assert "teruskan_pimred" in [t.action for t in revised.allowed_from(3, "direspon")]


def test_roles_come_from_the_definition():
    packaged = load_sop(definition())
    assert not packaged.may_record(("redaktur",), packaged.steps[4])

    data = definition()
    step_item(data, 4)["pencatat"] = ["redaktur"]
    revised = load_sop(data)
    assert revised.may_record(("redaktur",), revised.steps[4])


def test_silence_first_response_and_answers_come_from_the_data():
    """What used to be constants in code (step 6 waits on step 5's silence, the first-response
    steps, which actions carry an answer) is read from sop.yaml and checked there."""
    import copy
    from importlib.resources import files

    import yaml

    from pengaduan.core.sop import load_sop
    from pengaduan.errors import SopError

    data = yaml.safe_load(files("pengaduan.data").joinpath("sop.yaml").read_text())
    sop = load_sop(data)
    assert sop.silence_steps == {6: 5}
    assert sop.first_response_steps == (1, 2, 3)
    assert {t.action for t in sop.transitions if t.needs_answer} == {
        "respon", "respon_tuntas", "jawab_redaktur", "jawab_kabid", "jawab_pimred"
    }  # fmt: skip

    changed = copy.deepcopy(data)
    del changed["langkah"][5]["sesudah_diam"]
    changed["respon_pertama"] = [1, 2]
    other = load_sop(changed)
    assert other.silence_steps == {} and other.first_response_steps == (1, 2)

    broken = copy.deepcopy(data)
    broken["langkah"][5]["sesudah_diam"] = 42
    with pytest.raises(SopError, match="sesudah_diam langkah 6 menyebut langkah 42"):
        load_sop(broken)
    broken = copy.deepcopy(data)
    broken["respon_pertama"] = [1, 99]
    with pytest.raises(SopError, match="respon_pertama menyebut langkah 99"):
        load_sop(broken)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["langkah"][5].update(sesudah_diam=[5]), "sesudah_diam langkah 6 harus nomor langkah"),
        (lambda d: d["langkah"][5].update(sesudah_diam=True), "sesudah_diam langkah 6 harus nomor langkah"),
        (lambda d: d["transisi"][3].update(wajib_jawaban="tidak"), "wajib_jawaban transisi 'respon' harus true atau false"),
        (lambda d: d.update(respon_pertama=[[1]]), "respon_pertama menyebut langkah"),
    ],
    ids=["list", "bool-as-step", "text-as-flag", "nested-list"],
)
def test_new_sop_keys_are_type_checked(edit, message):
    import copy
    from importlib.resources import files

    import yaml

    from pengaduan.core.sop import load_sop
    from pengaduan.errors import SopError

    data = copy.deepcopy(yaml.safe_load(files("pengaduan.data").joinpath("sop.yaml").read_text()))
    edit(data)
    with pytest.raises(SopError, match=re.escape(message)):
        load_sop(data)


# -- roles, report actions, paths and the command lines as data ------------------------------------


def test_packaged_roles_managers_correctors_paths_and_report_actions():
    sop = load_sop(definition())
    assert sop.staff_roles == ("admin", "redaktur", "pimred", "kabid", "kadin")  # not pelapor
    assert (sop.managers, sop.correctors) == (("admin", "pimred", "kadin"), ("admin", "pimred"))
    assert sop.manages(("kadin",)) and not sop.manages(("redaktur", "kabid"))
    assert sop.corrects(("pimred",)) and not sop.corrects(("kadin",))
    assert (sop.path_steps, sop.escalation_step) == ({"redaktur": 4, "eskalasi": 6}, 6)
    assert {a: (r.step, r.roles) for a, r in sop.report_actions.items()} == {
        "laporan_harian": (12, ("admin",)),
        "susun": (13, ("pimred",)),
        "paraf": (14, ("kabid",)),
        "periksa": (15, ("pimred",)),
    }


def test_who_may_record_a_step_is_decided_once():
    """Case steps: pelaksana, pencatat and the general recorders; report steps: no general recorders."""
    sop = load_sop(definition())
    assert sop.recorders(sop.steps[5]) == ("admin", "redaktur")
    assert sop.recorders(sop.steps[7]) == ("admin", "pimred")
    assert sop.recorders(sop.step(14)) == ("kabid", "pimred")
    assert sop.may_record(("admin",), sop.steps[9]) and not sop.may_record(("admin",), sop.step(13))


def test_a_role_added_to_the_definition_is_a_staff_role():
    data = definition()
    data["peran"]["humas"] = "Hubungan Masyarakat"
    data["pengelola"].append("humas")
    sop = load_sop(data)
    assert sop.staff_roles[-1] == "humas" and sop.manages(("humas",))


def test_command_lines_are_read_as_the_cli_reads_them():
    sop = load_sop(definition())
    forward = sop.transition("teruskan_redaktur")
    assert (forward.name, forward.picks, forward.needs) == ("teruskan", (("ke", "redaktur"),), ())
    closing = sop.transition("bukan_pengaduan")
    assert (closing.name, closing.picks, closing.needs) == ("verifikasi", (("bukan-pengaduan", True),), ("alasan",))
    assert sop.transition("koordinasi_kabid").needs == ("bidang",)
    assert list(sop.choices("jawab", "dari")) == ["redaktur", "kabid", "pimred"]
    assert sop.select("teruskan", {"ke": "pimred"}).action == "teruskan_pimred"
    assert sop.select("respon", {"tuntas": True}).action == "respon_tuntas"
    assert sop.select("respon", {"tuntas": False}).action == "respon"
    assert sop.select("selesai", {}).action == "selesai"


def test_a_revised_command_line_changes_the_choices():
    data = definition()
    transition_item(data, "teruskan_pimred")["perintah"] = "teruskan ID --ke pimpinan"
    sop = load_sop(data)
    assert list(sop.choices("teruskan", "ke")) == ["redaktur", "pimpinan"]
    assert sop.select("teruskan", {"ke": "pimpinan"}).action == "teruskan_pimred"
    with pytest.raises(InputError, match=re.escape("'teruskan --ke pimred' tidak ada di SOP")):
        sop.select("teruskan", {"ke": "pimred"})


def test_a_revised_path_step_and_report_roles():
    data = definition()
    data["langkah_jalur"] = {"eskalasi": 7}
    data["aksi_laporan"]["paraf"]["peran"] = ["kabid", "kadin"]
    del data["aksi_laporan"]["periksa"]
    sop = load_sop(data)
    assert sop.escalation_step == 7 and "redaktur" not in sop.path_steps
    assert sop.report_action("paraf").roles == ("kabid", "kadin")
    with pytest.raises(SopError, match="aksi laporan 'periksa' tidak ada"):
        sop.report_action("periksa")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.update(peran_luar=["tamu"]), "peran_luar menyebut peran 'tamu' yang tidak dikenal"),
        (lambda d: d.update(peran_luar="pelapor"), "'peran_luar' harus berupa daftar"),
        (lambda d: d.update(peran_luar=list(d["peran"])), "semua peran ada di peran_luar"),
        (lambda d: d.pop("pengelola"), "'pengelola' wajib ada"),
        (lambda d: d.update(pengelola=[]), "'pengelola' harus menyebut sedikitnya satu peran"),
        (lambda d: d.update(pengelola=["admin", "pelapor"]), "pengelola menyebut 'pelapor', peran di luar petugas"),
        (lambda d: d.pop("pengoreksi"), "'pengoreksi' wajib ada"),
        (lambda d: d.update(pengoreksi=["humas"]), "pengoreksi menyebut peran 'humas' yang tidak dikenal"),
        (lambda d: d.update(langkah_jalur=[4, 6]), "'langkah_jalur' harus pemetaan"),
        (lambda d: d.update(langkah_jalur={"humas": 4}), "langkah_jalur menyebut jalur 'humas' yang tidak dikenal"),
        (lambda d: d.update(langkah_jalur={"eskalasi": 60}), "langkah_jalur 'eskalasi' menyebut langkah 60 yang tidak ada"),
        (lambda d: d.update(aksi_laporan=[12]), "'aksi_laporan' harus pemetaan"),
        (lambda d: d["aksi_laporan"].update(susun=13), "aksi_laporan 'susun' harus pemetaan"),
        (lambda d: d["aksi_laporan"]["susun"].pop("langkah"), "'langkah' wajib ada di aksi_laporan 'susun'"),
        (lambda d: d["aksi_laporan"]["susun"].update(langkah=6), "menyebut langkah 6 yang bukan langkah_laporan"),
        (lambda d: d["aksi_laporan"]["paraf"].update(peran=["pelapor"]), "peran menyebut 'pelapor', peran di luar petugas"),
        (lambda d: transition_item(d, "selesai").update(perintah="Selesai ID"), "perintah transisi 'selesai' harus diawali"),
        (lambda d: transition_item(d, "selesai").update(perintah="selesai ID kasus"), "'kasus' bukan opsi --nama"),
        (lambda d: transition_item(d, "teruskan_pimred").update(perintah="teruskan ID --ke Pim!"), "nilai 'Pim!' untuk --ke"),
        (lambda d: transition_item(d, "respon").update(perintah="respon ID --isi TEKS --isi X"), "menyebut --isi dua kali"),
        (
            lambda d: transition_item(d, "teruskan_pimred").update(perintah="teruskan ID --ke redaktur"),
            "transisi 'teruskan_redaktur' dan 'teruskan_pimred' diketik sama",
        ),
    ],
)
def test_new_keys_are_refused_with_a_clear_message(edit, expected):
    data = definition()
    edit(data)
    assert expected in refused(data)


def test_an_sop_written_before_these_keys_existed_keeps_the_old_meaning():
    """A store made before roles, managers, correctors and report steps were data still loads,
    and means exactly what the tool's constants meant then."""
    data = yaml.safe_load(files("pengaduan.data").joinpath("sop.yaml").read_text(encoding="utf-8"))
    for key in ("peran_luar", "pengelola", "pengoreksi", "langkah_jalur", "aksi_laporan"):
        data.pop(key)
    sop = load_sop(data)
    assert sop.managers == ("admin", "pimred", "kadin")
    assert sop.correctors == ("admin", "pimred")
    assert "pelapor" not in sop.staff_roles
    assert sop.escalation_step == 6
    assert sop.report_action("paraf").step == 14 and sop.report_action("paraf").roles == ("kabid",)
    assert sop.report_action("laporan_harian").step == 12


def test_aksi_tetap_never_move_and_an_older_sop_has_none():
    sop = load_sop(definition())
    assert sop.still["pesan_lanjutan"].performer == "pelapor" and sop.still["pesan_lanjutan"].roles == ("admin",)
    assert not sop.moves("pesan_lanjutan") and not sop.moves("koreksi") and sop.moves("verifikasi")
    older = definition()
    del older["aksi_tetap"]
    assert load_sop(older).still == {} and not load_sop(older).moves("pesan_lanjutan")  # never a step of the table


def test_a_placeholder_option_given_picks_the_transition_that_needs_it():
    sop = load_sop(definition())
    assert sop.select("verifikasi", {"bukan-pengaduan": False, "duplikat-dari": None}).action == "verifikasi"
    assert sop.select("verifikasi", {"bukan-pengaduan": False, "duplikat-dari": "261102-AAAAAAA"}).action == "duplikat"
    assert sop.select("verifikasi", {"bukan-pengaduan": True, "duplikat-dari": None}).action == "bukan_pengaduan"
    with pytest.raises(InputError):
        sop.select("verifikasi", {"bukan-pengaduan": True, "duplikat-dari": "261102-AAAAAAA"})
