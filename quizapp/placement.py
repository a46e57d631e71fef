"""Where topics and items sit in the exams' syllabi: the loader's rules for a bank that has a
syllabus.yaml beside its topics (known ids, every topic placed, exam tags the syllabus supports,
law and ethics items dated and sourced)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from quizapp import schema
from quizapp.bankdata import BankError
from quizapp.bankyaml import read_yaml
from quizapp.items import Topic
from quizapp.syllabus import ADVANCED_TAG, Syllabus


def topic_problems(
    path: Path, topics: Mapping[str, Topic], syllabus: Syllabus, cache_dir: Path | None
) -> list[BankError]:
    """Every topic serves known syllabus ids, or is marked advanced (beyond both syllabi)."""
    lines = {
        t.get("id"): getattr(t, "line", 1)
        for t in (read_yaml(path, cache_dir) or {}).get("topics", [])
        if isinstance(t, dict)
    }
    errors = []
    for topic in topics.values():
        line = lines.get(topic.id, 1)
        unknown = [i for i in topic.syllabus if i not in syllabus.items]
        if unknown:
            errors.append(BankError(path, line, topic.id, f"syllabus: unknown id {unknown[0]}"))
        if topic.advanced and topic.syllabus:
            errors.append(
                BankError(path, line, topic.id, "syllabus: an advanced topic serves no syllabus id")
            )
        elif not topic.advanced and not topic.syllabus:
            errors.append(
                BankError(
                    path,
                    line,
                    topic.id,
                    "syllabus: name the syllabus ids this topic serves (or mark it advanced: true)",
                )
            )
    return errors


def item_problems(
    item: schema.ItemBase,
    topic: Topic,
    syllabus: Syllabus,
) -> list[tuple[str, str]]:
    """(message, key) for an item that does not fit its topic's place in the syllabus."""
    if topic.advanced:
        if ADVANCED_TAG not in item.tags:
            return [(f"tags: an item of an advanced topic is tagged {ADVANCED_TAG}", "tags")]
        return []
    problems = []
    outside = [i for i in item.syllabus if i not in topic.syllabus]
    if outside:
        problems.append(
            (f"syllabus: {outside[0]} is not one of topic {topic.id}'s ids", "syllabus")
        )
    ids = item.syllabus or topic.syllabus
    served = syllabus.exams_of(ids)
    for exam in item.exams:
        if exam not in served and ADVANCED_TAG not in item.tags:
            problems.append(
                (
                    f"exams: tagged {exam} but its syllabus ids ({', '.join(ids)}) are not in "
                    f"the {exam} syllabus (retag it, or tag it {ADVANCED_TAG} and say so)",
                    "exams",
                )
            )
    if any(i.startswith("G-L") for i in ids):
        if item.source.ref is None:
            problems.append(("source: a law or ethics item names its basis in `ref`", "source"))
        if item.as_of is None:
            problems.append(("as_of: a law or ethics item says when it was last checked", "as_of"))
    return problems
