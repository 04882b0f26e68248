"""Dependencies point one way: an app imports only the apps below it, and core imports none.

The contracts are in pyproject.toml ([tool.importlinter]); ``./rectify test`` runs them with lint-imports
before the suite, and the tests here run them too, so that ``pytest`` alone catches an upward import.
"""

from __future__ import annotations

from pathlib import Path

import grimp
from importlinter import api as importlinter_api
from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
CONTRACT_TYPES = {"layers": LayersContract, "forbidden": ForbiddenContract}


def test_apps_import_only_the_apps_below_them(capsys):
    status = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    assert status == EXIT_STATUS_SUCCESS, capsys.readouterr().out


def _broken_contracts(*, adding: list[tuple[str, str]]) -> set[str]:
    """The ids of the contracts the code breaks once the given (importer, imported) imports are added."""
    config = importlinter_api.read_configuration(str(PYPROJECT))
    graph = grimp.build_graph(*config["session_options"]["root_packages"], cache_dir=None)
    for importer, imported in adding:
        graph.add_import(importer=importer, imported=imported)
    broken = set()
    for options in config["contracts_options"]:
        contract = CONTRACT_TYPES[options["type"]](name=options["name"], session_options=config["session_options"],
                                                   contract_options=options)
        if not contract.check(graph, verbose=False).kept:
            broken.add(options["id"])
    return broken


def test_the_workbench_back_in_core_breaks_both_contracts():
    assert _broken_contracts(adding=[("rectify.core.views", "rectify.rectification.selectors")]) == {"layers", "core"}


def test_inspections_reading_rectification_breaks_the_layers():
    assert _broken_contracts(adding=[("rectify.inspections.views", "rectify.rectification.selectors")]) == {"layers"}


def test_a_new_top_level_module_must_be_given_a_layer():
    assert _broken_contracts(adding=[("rectify.newapp", "rectify.core")]) == {"layers"}


def test_accountability_sits_below_cases_and_above_supervision():
    # rectify.cases does not exist yet: the added import creates the (optional) layer's package
    assert _broken_contracts(adding=[("rectify.cases", "rectify.accountability.selectors")]) == set()
    assert _broken_contracts(adding=[("rectify.accountability.selectors", "rectify.cases")]) == {"layers"}
    assert _broken_contracts(adding=[("rectify.supervision.views", "rectify.accountability.selectors")]) == {"layers"}
