"""test/release/check-sbom's checks (its header says which)."""
import hashlib
import json
import pathlib
import re
import subprocess
import sys

import jsonschema

REPO = pathlib.Path(__file__).resolve().parents[2]
failures = 0


def expect(what, ok, detail=""):
    global failures
    print(f"check-sbom: {what}: {'ok' if ok else 'FAILED ' + detail}", file=sys.stderr)
    failures += not ok


def pin(name):
    text = (REPO / "scripts" / "build-static-libpq").read_text()
    return re.search(rf'^readonly {name}="(.*)"$', text, re.MULTILINE).group(1)


def main(dist):
    dist = pathlib.Path(dist)
    version = (REPO / "VERSION").read_text().strip()
    schema = json.loads((REPO / "test" / "release" / "spdx-2.3.schema.json").read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    documents = sorted(dist.glob(f"*-{version}-linux-*.spdx.json"))
    names = sorted(p.name for p in documents)
    expected = sorted(f"{program}-{version}-linux-{arch}.spdx.json"
                      for program in ("dbinit", "dbinit-lint") for arch in ("amd64", "arm64"))
    expect("one SBOM per binary", names == expected, f"{names}")
    for path in documents:
        binary = dist / path.name.removesuffix(".spdx.json")
        document = json.loads(path.read_text())
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        expect(f"{path.name} is valid SPDX 2.3", not errors,
               "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]))
        packages = {p["SPDXID"]: p for p in document.get("packages", [])}
        described = [packages.get(i) for i in document.get("documentDescribes", [])]
        digest = hashlib.sha256(binary.read_bytes()).hexdigest()
        expect(f"{path.name} describes {binary.name} by its sha256",
               len(described) == 1 and described[0] and
               described[0]["checksums"] == [{"algorithm": "SHA256", "checksumValue": digest}]
               and described[0]["versionInfo"] == version)
        parts = {p["name"].split(" ")[0]: p for p in packages.values() if p not in described}
        contained = {r["relatedSpdxElement"] for r in document.get("relationships", [])
                     if r["relationshipType"] == "CONTAINS"}
        expect(f"{path.name}: the binary CONTAINS each part",
               contained == {p["SPDXID"] for p in packages.values() if p not in described})
        if binary.name.startswith("dbinit-lint-"):
            expect(f"{path.name} lists libpg_query, glibc, GCC's runtime and no libpq",
                   {"libpg_query", "GNU", "GCC"} <= set(parts) and "libpq" not in parts, f"{sorted(parts)}")
        else:
            expect(f"{path.name} lists libpq, OpenSSL, Boost, glibc, GCC's runtime, the CAs",
                   {"libpq", "OpenSSL", "Boost", "GNU", "GCC", "Mozilla's"} <= set(parts), f"{sorted(parts)}")
            libpq = parts.get("libpq", {})
            expect(f"{path.name}: libpq is scripts/build-static-libpq's pin, with its checksum",
                   libpq.get("versionInfo") == pin("PG_SOURCE_VERSION") and libpq.get("checksums") ==
                   [{"algorithm": "SHA256", "checksumValue": pin("PG_SOURCE_DSC_SHA256")}], f"{libpq}")
            if binary.name.endswith("-amd64"):
                said = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.splitlines()
                openssl = parts.get("OpenSSL", {}).get("versionInfo", "?").split("-")[0]
                line = f"libpq {pin('PG_SOURCE_VERSION').split('-')[0]}, OpenSSL {openssl} "
                expect(f"{binary.name} --version names the libpq and OpenSSL of its SBOM",
                       len(said) > 1 and said[1].startswith(line), f"'{said[1] if len(said) > 1 else ''}', "
                                                                   f"expected it to start '{line}'")
        for part in parts.values():
            expect(f"{path.name}: {part['name']} has a license and a sha256",
                   part["licenseConcluded"] not in ("", "NOASSERTION") and
                   re.fullmatch(r"[0-9a-f]{64}", part["checksums"][0]["checksumValue"]) is not None)
        notice = (dist / f"{binary.name}.NOTICE").read_text() if (dist / f"{binary.name}.NOTICE").exists() else ""
        missing = [p["name"] for p in parts.values() if not re.search(
            rf"^  {re.escape(p['name'])} +{re.escape(p['versionInfo'])} ", notice, re.MULTILINE)]
        expect(f"{binary.name}.NOTICE names each part with its version, and holds the Apache-2.0 text",
               notice and not missing and (REPO / "LICENSE").read_text() in notice, f"missing: {missing}")
    if failures:
        sys.exit(f"check-sbom: {failures} check(s) failed")
    print("check-sbom: all checks passed", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
