"""Every example in the generated OpenAPI documents, and every model fixture, must be valid
against the schema the document gives it. Run by `cargo xtask test` with the venv that
openapi-spec-validator is installed in (its `jsonschema` does the checking).

Usage: python check_openapi_examples.py <generated dir>
"""

import json
import sys
from pathlib import Path

import referencing.jsonschema
from jsonschema import Draft202012Validator
from referencing import Registry, Resource


def pointer(*parts):
    return "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def main(generated):
    failures = []
    checked = 0
    for document_path in sorted((generated / "openapi").glob("*.json")):
        api = document_path.stem
        document = json.loads(document_path.read_text())
        registry = Registry().with_resource(
            "urn:doc", Resource.from_contents(document, default_specification=referencing.jsonschema.DRAFT202012)
        )

        def check(where, schema_pointer, value):
            nonlocal checked
            checked += 1
            validator = Draft202012Validator({"$ref": "urn:doc#/" + schema_pointer}, registry=registry)
            error = next(iter(validator.iter_errors(value)), None)
            if error is not None:
                failures.append(f"{where}: {error.message[:300]} (at {list(error.absolute_path)})")

        for path, operations in document.get("paths", {}).items():
            for method, operation in operations.items():
                for status, response in operation.get("responses", {}).items():
                    for media_type, media in response.get("content", {}).items():
                        if "example" in media:
                            schema = pointer("paths", path, method, "responses", status, "content", media_type, "schema")
                            check(f"{document_path.name}: {method.upper()} {path} {status}", schema, media["example"])

        for fixture_path in sorted((generated / "fixtures" / api / "models").glob("*.json")):
            fixture = json.loads(fixture_path.read_text())
            check(str(fixture_path.relative_to(generated)), pointer("components", "schemas", fixture["model"]), fixture["body"])

    for failure in failures:
        print(f"error: {failure}", file=sys.stderr)
    print(f"{checked} examples checked against their OpenAPI schemas, {len(failures)} invalid")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
