"""Layers run one way: staging reads sources (and seeds), intermediate reads staging and intermediate, marts read
anything before them, the semantic layer reads marts. Read from the dbt manifest, so a new `ref` against the
flow fails here with the model and the parent named."""

import json

from orchestration.resources import dbt_project

# A model's layer is its folder under models/ (its schema, see generate_schema_name); seeds are reference data.
LAYER_ORDER = {"seeds": 0, "staging": 1, "intermediate": 2, "marts": 3, "semantic": 4}


def _layer(node: dict) -> str:
    return "seeds" if node["resource_type"] == "seed" else node["fqn"][1]


def test_no_model_reads_a_later_layer():
    manifest = json.loads(dbt_project().manifest_path.read_text())
    nodes = manifest["nodes"]
    against_the_flow = sorted(
        f"{node['name']} ({_layer(node)}) reads {nodes[parent]['name']} ({_layer(nodes[parent])})"
        for node in nodes.values() if node["resource_type"] == "model"
        for parent in node["depends_on"]["nodes"]
        if parent in nodes and LAYER_ORDER[_layer(nodes[parent])] > LAYER_ORDER[_layer(node)]
    )
    models_checked = sum(node["resource_type"] == "model" for node in nodes.values())
    assert models_checked > 50 and not against_the_flow, against_the_flow
