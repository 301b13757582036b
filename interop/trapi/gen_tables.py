"""Regenerate interop/trapi/biolink_tables.json from the Biolink YAML of the `biolink-model`
wheel with bmt, offline: `.venv-trapi/bin/python -m interop.trapi.gen_tables` (make trapi-venv).

The TRAPI endpoint needs the predicate hierarchy (descendants, inverses, symmetry) and the
class hierarchy; bmt needs linkml-runtime and click versions evigraph's stack does not pin, so
the tables are computed here once and shipped as data. For every Biolink predicate the table
lists the graph's predicates a query edge with it matches stored in the same direction
("forward") and stored the other way round ("reverse"); for every class, the graph's
categories it covers."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from graph.vocabulary import CATEGORY_LABEL
from interop import biolink

OUT = Path(__file__).with_name("biolink_tables.json")


def _toolkit() -> Any:
    import bmt.toolkit
    from linkml_runtime.utils.schemaview import SchemaView

    yaml_path = str(resources.files("biolink_model") / "schema" / "biolink_model.yaml")

    def init(self: Any, schema: Any = yaml_path, predicate_map: Any = None) -> None:
        self.view = SchemaView(schema)
        self.pmap = {"predicate mappings": []}

    bmt.toolkit.Toolkit.__init__ = init
    return bmt.toolkit.Toolkit()


def _curie(tk: Any, name: str) -> str:
    return str(tk.get_element(name).name and "biolink:" + name.replace(" ", "_"))


def tables() -> dict[str, Any]:
    tk = _toolkit()
    graph_preds = set(biolink.PREDICATES)
    graph_cats = set(CATEGORY_LABEL)
    predicates: dict[str, Any] = {}
    for pred in tk.get_descendants("biolink:related_to", formatted=True, reflexive=True):
        below = set(tk.get_descendants(pred, formatted=True, reflexive=True))
        forward = below & graph_preds
        reverse = set()
        for g in graph_preds:
            inverse = tk.get_inverse_predicate(g, formatted=True)
            if (inverse and inverse in below) or (g in below and tk.is_symmetric(g)):
                reverse.add(g)
        predicates[pred] = {"forward": sorted(forward), "reverse": sorted(reverse)}
    classes: dict[str, list[str]] = {}
    for cls in tk.get_descendants("biolink:NamedThing", formatted=True, reflexive=True, mixin=True):
        covered = set(tk.get_descendants(cls, formatted=True, reflexive=True, mixin=True))
        classes[cls] = sorted(covered & graph_cats)
    for mixin in ("biolink:ChemicalOrDrugOrTreatment", "biolink:DiseaseOrPhenotypicFeature"):
        covered = set(tk.get_descendants(mixin, formatted=True, reflexive=True, mixin=True))
        classes[mixin] = sorted(covered & graph_cats)
    ancestors = {
        c: [a for a in tk.get_ancestors(c, formatted=True, reflexive=True, mixin=False)]
        for c in sorted(graph_cats)
    }
    # Graph predicates Biolink marks non-canonical (narrow_match: broad_match is canonical):
    # TRAPI answers state them through their canonical inverse, ends swapped.
    flip = {
        g: tk.get_inverse_predicate(g, formatted=True)
        for g in sorted(graph_preds)
        if not tk.is_translator_canonical_predicate(g)
        and tk.get_inverse_predicate(g, formatted=True)
        and tk.is_translator_canonical_predicate(tk.get_inverse_predicate(g, formatted=True))
    }
    return {
        "biolink_version": tk.get_model_version(),
        "non_canonical": flip,
        "predicates": predicates,
        "classes": classes,
        "category_ancestors": ancestors,
    }


if __name__ == "__main__":
    OUT.write_text(json.dumps(tables(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT}")
