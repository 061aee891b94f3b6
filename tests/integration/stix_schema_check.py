#!/usr/bin/env python3
"""Validates every object of STIX 2.1 bundle files against the OASIS JSON schemas (draft 2020-12).

Usage: stix_schema_check.py [--schemas DIR] [--strict-custom] FILE...

FILE may hold a bundle, a bare list of objects or a single object. Schemas are loaded from DIR (default:
$BULWARK_TESTDATA/stix/schemas or ../shared/data/stix/schemas beside the repository) into a local registry
keyed by their $id, so the relative $refs between them resolve without any network access. Objects of custom
types (no schema) are counted and skipped unless --strict-custom is given. Exits 1 listing every failure,
0 when all objects pass, 2 on usage or I/O errors. Needs only the standard library and jsonschema >= 4.18.
"""
import argparse
import json
import os
import sys
from pathlib import Path

try:
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
except ImportError as e:  # pragma: no cover
    print(f"stix_schema_check: needs jsonschema >= 4.18 ({e})", file=sys.stderr)
    sys.exit(2)

META_TYPES = {"marking-definition", "language-content", "extension-definition"}


def default_schema_dir() -> Path:
    env = os.environ.get("BULWARK_TESTDATA")
    if env:
        return Path(env) / "stix" / "schemas"
    return Path(__file__).resolve().parents[2].parent / "shared" / "data" / "stix" / "schemas"


def load_registry(schema_dir: Path):
    registry = Registry()
    by_type = {}
    for path in sorted(schema_dir.rglob("*.json")):
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        resource = Resource.from_contents(schema, default_specification=DRAFT202012)
        registry = registry.with_resource(schema["$id"], resource)
        folder = path.parent.name
        name = path.stem
        if folder in ("sdos", "sros", "observables") or name in META_TYPES:
            by_type[name] = schema
    return registry, by_type


def objects_of(doc):
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict) and doc.get("type") == "bundle":
        return doc.get("objects", [])
    return [doc]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemas", type=Path, default=default_schema_dir())
    parser.add_argument("--strict-custom", action="store_true", help="fail on objects of types without a schema")
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    if not args.schemas.is_dir():
        print(f"stix_schema_check: no schema directory {args.schemas}", file=sys.stderr)
        return 2
    registry, by_type = load_registry(args.schemas)
    validators = {t: jsonschema.Draft202012Validator(s, registry=registry) for t, s in by_type.items()}

    failures = []
    checked = skipped = 0
    for path in args.files:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f"stix_schema_check: {path}: {e}", file=sys.stderr)
            return 2
        for index, obj in enumerate(objects_of(doc)):
            where = f"{path}: objects[{index}]"
            if not isinstance(obj, dict):
                failures.append(f"{where}: not a JSON object")
                continue
            otype = obj.get("type")
            oid = obj.get("id", "(no id)")
            validator = validators.get(otype)
            if validator is None:
                if args.strict_custom:
                    failures.append(f"{where} {oid}: no schema for type {otype!r}")
                else:
                    skipped += 1
                continue
            checked += 1
            for err in sorted(validator.iter_errors(obj), key=lambda e: list(e.absolute_path)):
                prop = "/".join(str(p) for p in err.absolute_path) or "(object)"
                failures.append(f"{where} {oid}: {prop}: {err.message[:300]}")
    for line in failures:
        print(line)
    print(f"stix_schema_check: {checked} objects checked, {skipped} custom skipped, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
