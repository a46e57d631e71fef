"""The lazy registry is the real one: same names, order and metadata as the family modules, and
a family (with NumPy) is imported only when one of its generators generates."""

from __future__ import annotations

import subprocess
import sys

from solvers.generators import REGISTRY, load_families
from solvers.generators.__main__ import index_entries
from solvers.generators._index import INDEX


def test_index_is_current():
    # if this fails, run: python -m solvers.generators && ruff format solvers/generators/_index.py
    assert index_entries() == INDEX


def test_registry_entries_match_the_family_generators():
    families = load_families()
    assert list(REGISTRY) == list(families)
    for name, entry in REGISTRY.items():
        family, gen = families[name]
        assert entry.family == family
        assert (entry.name, entry.title, entry.topic) == (gen.name, gen.title, gen.topic)
        assert entry.exams == tuple(gen.exams)
        assert entry.ranges == gen.ranges
        assert entry.generator is gen
        assert entry.generate(7) == gen.generate(7)


def test_importing_the_registry_does_not_import_numpy():
    code = (
        "import sys\n"
        "from solvers.generators import REGISTRY\n"
        "gen = REGISTRY['conv_output_size']\n"
        "assert gen.title and gen.ranges\n"
        "assert 'numpy' not in sys.modules, 'numpy imported before generating'\n"
        "gen.generate(1)\n"
        "assert 'numpy' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
