"""The models package: one private module per schema group, loaded lazily, typed for mypy."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

from generator.emit.model_modules import split_models
from generator.emit.models import narrowed_overrides


def _split(code: str, schemas: list[str]) -> dict[str, str]:
    code = textwrap.dedent(code)
    files = split_models(code, ast.parse(code), "pkg", schemas, "T")
    return {path.removeprefix("pkg/models/"): text for path, text in files.items()}


def test_groups_follow_schemas_and_cycles_share_a_module() -> None:
    files = _split(
        """
        # header
        from __future__ import annotations

        from pkg._base import ContractModel


        class PetKind(ContractModel):
            x: int


        class Pet(ContractModel):
            kind: PetKind
            owner: Owner | None = None


        class Owner(ContractModel):
            pets: list[Pet]


        class Shop(ContractModel):
            pet: Pet


        class PET(ContractModel):
            y: int


        Pet.model_rebuild()
        """,
        ["Pet", "Owner", "Shop", "PET"],
    )
    # Pet and Owner refer to each other: one module; PetKind joins the schema that uses it.
    assert sorted(files) == ["__init__.py", "_pet.py", "_pet2.py", "_shop.py"]
    pet = files["_pet.py"]
    assert "class PetKind" in pet and "class Pet(" in pet and "class Owner" in pet
    assert pet.rstrip().endswith("Pet.model_rebuild()")
    assert "from ._pet import Pet" in files["_shop.py"]
    assert "class PET(" in files["_pet2.py"]  # unique even on a case-insensitive file system
    init = files["__init__.py"]
    assert '"Owner": "_pet",' in init and '"PET": "_pet2",' in init
    assert "    from ._shop import Shop as Shop" in init  # explicit, for type checkers


def test_an_enum_narrowed_to_a_discriminator_literal_names_the_member() -> None:
    code = textwrap.dedent(
        """
        class Kind(StrEnum):
            A_B = "a-b"


        class Base(ContractModel):
            kind: Annotated[Kind, Field(description="k")]


        class Sub(Base):
            kind: Literal["a-b"]


        class Other(Base):
            kind: Literal["zzz"]
        """
    )
    fixed, tree, unexpressed = narrowed_overrides(code, ast.parse(code))
    assert "kind: Literal[Kind.A_B]" in fixed
    assert 'kind: Literal["zzz"]  # type: ignore[assignment]  # typed fallback' in fixed
    assert unexpressed == [("Other", "kind")]
    assert ast.dump(tree) == ast.dump(ast.parse(fixed))


def test_models_and_client_load_lazily() -> None:
    code = textwrap.dedent(
        """
        import sys

        def loaded():
            return sorted(m for m in sys.modules if m.startswith("serviceai_api.models."))

        import serviceai_api.models as models
        assert loaded() == [], loaded()
        assert "RealtimeTokenResponse" in models.__all__ and "RealtimeTokenResponse" in dir(models)
        models.RealtimeTokenResponse
        assert loaded() == ["serviceai_api.models._realtime_token_response"], loaded()

        from serviceai_api.client import Client
        client = Client("http://localhost")
        assert "pydantic" not in sys.modules or loaded(), "the client imported pydantic"
        client.meta  # a resource loads the models of its operations, and their references
        assert "serviceai_api.models._chatty_tool_definition" not in loaded(), loaded()
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_client_import_does_not_import_pydantic_or_models() -> None:
    code = (
        "import sys; from serviceai_api.client import Client; Client('http://localhost'); "
        "assert 'pydantic' not in sys.modules, 'pydantic imported eagerly'; "
        "assert not [m for m in sys.modules if m.startswith('serviceai_api.models.')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
