"""The shipped data sheet is current and lists a source for every process."""
from lca.core import resources
from lca.inventory.background import load_background
from lca.inventory.datasheet import render


def test_datasheet_is_up_to_date():
    shipped = (resources.background_dir() / "README.md").read_text(encoding="utf-8")
    assert shipped == render() + "\n", "run: lca datasheet --out inventories/background/README.md"


def test_every_process_has_a_source_in_the_sheet():
    text = render()
    for code, proc in load_background(resources.background_dir()).items():
        section = text.split(f"### `{code}`", 1)[1].split("### ", 1)[0]
        assert "**Source:**" in section and "**Licence:**" in section, code
        assert proc.provenance.publisher in section
