"""The syllabus map: the shipped file matches the official facts, and the loader holds topics and
items to it (known ids, every topic placed, exam tags the syllabus supports, law items dated)."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

from quizapp.bank import load_bank
from quizapp.paths import shipped_bank_dir
from solvers.generators import REGISTRY

SHARED = Path(__file__).resolve().parents[2] / "shared" / "syllabus"


def shipped() -> dict:
    return yaml.safe_load((shipped_bank_dir() / "syllabus.yaml").read_text(encoding="utf-8"))


@pytest.mark.skipif(
    not SHARED.is_dir(), reason="the official syllabus facts are not beside the repo"
)
def test_shipped_syllabus_matches_the_official_items_and_keywords() -> None:
    ours = {i["id"]: i for i in shipped()["items"]}
    g = yaml.safe_load((SHARED / "g-kentei-2024.yaml").read_text(encoding="utf-8"))["items"]
    e = yaml.safe_load((SHARED / "e-shikaku-2024.yaml").read_text(encoding="utf-8"))["items"]
    assert set(ours) == {i["id"] for i in g} | {i["id"] for i in e}
    for item in g:
        mine = ours[item["id"]]
        assert (mine["title"], mine["area"], mine["keywords"]) == (
            item["title"],
            item["section"],
            item["keywords"],
        )
        assert mine.get("examined", True)
    for item in e:
        mine = ours[item["id"]]
        examined = [c for c in item.get("concepts", []) if "出題対象外" not in c]
        assert (mine["title"], mine["area"], mine["keywords"]) == (
            item["title"],
            item["area"],
            examined,
        )
        assert mine.get("examined", True) == bool(examined), item["id"]


def test_every_area_has_a_share_and_the_exam_formats_are_the_published_ones() -> None:
    data = shipped()
    exams = {x["id"]: x for x in data["exams"]}
    assert (exams["G"]["questions"], exams["G"]["minutes"]) == (160, 100)
    assert (exams["E"]["questions"], exams["E"]["minutes"]) == (100, 120)
    for exam in exams.values():
        assert 98 <= sum(a["share"] for a in exam["areas"]) <= 101
    used = {(i["exam"], i["area"]) for i in data["items"]}
    assert used == {(x, a["name"]) for x, exam in exams.items() for a in exam["areas"]}


def test_shipped_bank_places_every_topic_in_the_syllabus() -> None:
    bank = load_bank([shipped_bank_dir()], generators=REGISTRY)
    assert not bank.errors
    assert bank.syllabus is not None
    for topic in bank.topics.values():
        assert topic.advanced or topic.syllabus, topic.id


def test_every_generator_is_tagged_only_for_exams_its_topic_serves() -> None:
    bank = load_bank([shipped_bank_dir()], generators=REGISTRY)
    assert bank.syllabus is not None
    for name, gen in REGISTRY.items():
        topic = bank.topics[gen.topic]
        served = bank.syllabus.exams_of(topic.syllabus)
        assert set(gen.exams) <= served, f"{name}: {gen.exams} but {topic.id} serves {served}"


# --- the loader's syllabus rules, on a small bank with the shipped syllabus -------------------

TOPICS = """\
topics:
  - {id: relu, title: ReLU, area: 概要, syllabus: [G-T12, E-3.1]}
  - {id: zero, title: ZeRO, area: 開発, syllabus: [E-5.2]}
  - {id: privacy, title: 個人情報, area: 法律, syllabus: [G-L01]}
  - {id: graphs, title: GNN, area: 発展, advanced: true}
"""


def item(topic: str, *, exams: str = "[G]", extra: str = "", source: str = "") -> str:
    source = source or "source: {doc: 000_1cc36260ef192bf7.txt, section: 要点}"
    return f"""\
items:
  - id: an-item
    kind: trap
    exams: {exams}
    topic: {topic}
    difficulty: 1
    prompt: 文。
    truth: true
    confused_with: 別の文
    explanation: 説明。
    {source}
{textwrap.indent(extra, "    ")}"""


FOLDERS = {
    "relu": "g-dl-overview",
    "zero": "e-dev-env",
    "privacy": "g-law",
    "graphs": "advanced",
}
"""Where each topic's file belongs: the folder of its first syllabus id's area."""


def write(root: Path, text: str, topics: str = TOPICS, where: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "topics.yaml").write_text(topics, encoding="utf-8")
    shutil.copy(shipped_bank_dir() / "syllabus.yaml", root / "syllabus.yaml")
    topic = re.search(r"topic: (\S+)", text).group(1)
    path = root / (where or f"{FOLDERS[topic]}/{topic}.yaml")
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return root


def errors(tmp_path: Path, text: str, topics: str = TOPICS, where: str | None = None) -> list[str]:
    root = write(tmp_path / "bank", text, topics, where)
    return [str(e).split(": ", 1)[1] for e in load_bank([root]).errors]


def test_a_topic_file_lives_in_its_syllabus_areas_folder(tmp_path: Path) -> None:
    (message,) = errors(tmp_path / "1", item("relu"), where="relu.yaml")
    assert message == "an-item: topic: the items of relu belong in g-dl-overview/relu.yaml"
    (message,) = errors(tmp_path / "2", item("zero", exams="[E]"), where="g-dl-overview/zero.yaml")
    assert "belong in e-dev-env/zero.yaml" in message


def test_a_well_placed_item_loads(tmp_path: Path) -> None:
    assert errors(tmp_path, item("relu", exams="[G, E]")) == []


def test_an_item_tagged_for_an_exam_its_topic_does_not_serve_is_refused(tmp_path: Path) -> None:
    (message,) = errors(tmp_path, item("zero", exams="[G, E]"))
    assert message.startswith("an-item: exams: tagged G") and "E-5.2" in message


def test_the_advanced_tag_lets_an_item_go_beyond_its_topics_exam(tmp_path: Path) -> None:
    assert errors(tmp_path, item("zero", extra="tags: [発展]")) == []


def test_an_item_narrows_its_topic_and_is_judged_by_the_narrowed_ids(tmp_path: Path) -> None:
    assert errors(tmp_path, item("relu", extra="syllabus: [G-T12]")) == []
    (outside,) = errors(tmp_path, item("relu", extra="syllabus: [G-T20]"))
    assert "G-T20 is not one of topic relu's ids" in outside
    (narrowed,) = errors(tmp_path, item("relu", exams="[E]", extra="syllabus: [G-T12]"))
    assert "tagged E" in narrowed


def test_a_law_item_needs_a_reference_and_a_date(tmp_path: Path) -> None:
    found = errors(tmp_path, item("privacy"))
    assert any("source: a law or ethics item names its basis" in m for m in found)
    assert any("as_of:" in m for m in found)
    dated = item(
        "privacy",
        source='source: {ref: "個人情報の保護に関する法律 第2条"}',
        extra="as_of: 2025-04-01",
    )
    assert errors(tmp_path, dated) == []


def test_an_advanced_topics_items_carry_the_tag(tmp_path: Path) -> None:
    (message,) = errors(tmp_path, item("graphs"))
    assert "tagged 発展" in message
    assert errors(tmp_path, item("graphs", extra="tags: [発展]")) == []


def test_topics_name_known_ids_or_are_advanced(tmp_path: Path) -> None:
    topics = (
        TOPICS
        + "  - {id: lost, title: x, area: y}\n  - {id: typo, title: x, area: y, syllabus: [G-T99]}\n"
    )
    found = errors(tmp_path, item("relu"), topics)
    assert any(m.startswith("lost: syllabus: name the syllabus ids") for m in found)
    assert any(m.startswith("typo: syllabus: unknown id G-T99") for m in found)


def test_a_source_is_a_seed_note_or_a_reference_never_both_or_half(tmp_path: Path) -> None:
    both = 'source: {doc: a.txt, section: b, ref: "c"}'
    half = "source: {doc: a.txt}"
    assert any("source" in m for m in errors(tmp_path / "1", item("relu", source=both)))
    assert any("source" in m for m in errors(tmp_path / "2", item("relu", source=half)))


def test_as_of_survives_the_bank_cache(tmp_path: Path) -> None:
    dated = item("privacy", source='source: {ref: "個人情報保護法"}', extra="as_of: 2025-04-01")
    root = write(tmp_path / "bank", dated)
    cold = load_bank([root], cache_dir=tmp_path / "cache")
    warm = load_bank([root], cache_dir=tmp_path / "cache")
    assert cold.items["an-item"].as_of == warm.items["an-item"].as_of == "2025-04-01"
    assert warm.syllabus == cold.syllabus and warm.syllabus is not None
    assert warm.items["an-item"].source.ref == "個人情報保護法"


# --- coverage: what the bank and the learner's log cover, per syllabus item ---------------------


def choice(item_id: str, topic: str, text: str) -> str:
    return f"""\
  - id: {item_id}
    kind: choice
    exams: [G]
    topic: {topic}
    difficulty: 1
    prompt: {text}
    options:
      - {{text: ア, rationale: 正しい}}
      - {{text: イ, rationale: 別のもの}}
    answer: 1
    explanation: 説明。
    source: {{doc: 000_1cc36260ef192bf7.txt, section: 要点}}
"""


def test_coverage_counts_kinds_keywords_and_the_learners_cards(tmp_path: Path) -> None:
    from quizapp.coverage import coverage

    text = item("relu") + choice("relu-choice", "relu", "ReLU関数とtanh関数の違いは何か。")
    bank = load_bank([write(tmp_path / "bank", text)])
    assert not bank.errors
    rows = {r.item.id: r for r in coverage(bank, "G")}
    assert len(rows) == 55 and all(r.item.exam == "G" for r in rows.values())
    t12 = rows["G-T12"]
    assert (t12.kinds["trap"], t12.kinds["choice"], t12.hand_written) == (1, 1, 2)
    assert t12.cards == {"an-item", "relu-choice"}
    assert "ReLU関数" not in t12.missing and "tanh関数" not in t12.missing
    assert "シグモイド関数" in t12.missing
    learner = t12.learner({"relu-choice": (4, 3), "elsewhere": (9, 9)}, {"relu-choice": 0.8})
    assert (learner.seen, learner.answers, learner.accuracy, learner.recall) == (1, 4, 0.75, 0.8)
    assert t12.learner({}, {}).recall is None
    assert not rows["G-T01"].covered and rows["G-T01"].missing == tuple(rows["G-T01"].item.keywords)
    assert {r.item.id for r in coverage(bank, "E")} >= {"E-3.1", "E-1.1"}


def test_keyword_forms_accept_either_name_a_list_or_the_bare_function_name() -> None:
    from quizapp.coverage import keyword_forms

    assert ["sgd"] in keyword_forms("確率的勾配降下法(SGD)")
    assert ["確率的勾配降下法"] in keyword_forms("確率的勾配降下法（SGD）")
    assert ["偽陽性", "偽陰性"] in keyword_forms("偽陽性・偽陰性")
    assert ["relu"] in keyword_forms("ReLU関数")
    assert keyword_forms("Transformer") == [["transformer"]]


def test_coverage_command_prints_every_syllabus_item_of_the_exam(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "d")}
    run = subprocess.run(
        [sys.executable, "-m", "quizapp", "coverage", "--exam", "E"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    ids = [line.split()[0] for line in run.stdout.splitlines() if line.startswith("  E-")]
    assert ids == [i["id"] for i in shipped()["items"] if i["exam"] == "E"]
    assert "G-T" not in run.stdout
    assert "出題範囲 22 項目中" in run.stdout, "E-1.1 and E-4.5 are not examined"


def test_keyword_forms_split_an_e_concept_label_joined_by_to() -> None:
    from quizapp.coverage import keyword_forms

    assert ["mse", "mae"] in keyword_forms("MSEとMAE")
    assert ["半教師あり", "自己教師あり学習"] in keyword_forms("半教師ありと自己教師あり学習")
    assert keyword_forms("AIとの協働") == [["aiとの協働"]]
