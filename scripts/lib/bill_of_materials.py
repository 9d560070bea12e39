"""What a static release binary embeds, found in its link map, with each
part's version, license and source checksum taken from the build's own pins:
written as the binary's NOTICE (the licenses that must travel with a binary
copy) and as an SPDX 2.3 JSON document (its SBOM). scripts/release runs it
with /usr/bin/python3 (the standard library only).

  bill_of_materials.py --build-dir DIR --arch ARCH --version V --commit C \
      --binary FILE=MAP [--binary FILE=MAP ...] [--notice OUT] [--spdx OUT]

Each --binary is a program and the link map its link wrote
(cmake/static.cmake: DIR/NAME.map). The parts are the archive members and
objects the linker took: an archive nothing was taken from is not in the
binary, and not named. Where each part comes from decides what it is:

  DIR/static-deps/libpq, DIR/no-unwind-tables/libpq...  libpq, from the
      source pinned in scripts/build-static-libpq (its VERSION, SOURCE_SHA256
      and COPYRIGHT, which that script keeps beside the build);
  DIR/no-unwind-tables/libssl.a, libcrypto.a  copies of the OpenSSL archives
      CMake found (CMakeCache.txt): the Debian package that holds those;
  DIR/.../libdbinit_boost_*.a  Boost, compiled from the sources
      scripts/fetch-boost-source fetched (their VERSION, SOURCE_SHA256,
      LICENSE_1_0.txt);
  DIR/.../libdbinit_ca_bundle.a  the CA bundle CMake packed (DBINIT_CA_BUNDLE),
      Debian's ca-certificates;
  anything else in DIR  dbinit's own code;
  anything outside DIR  the Debian package dpkg says holds the file
      (glibc, GCC's runtime, OpenSSL, libpg_query), its installed version and
      the sha256 of its .deb as the signed apt index lists it.

A file of a Debian package this script has no license for is an error
naming it: a new part of the binary gets its license here, once, not a line
in a hand-kept list of parts. The output is a function of its inputs (the
SPDX creation time is SOURCE_DATE_EPOCH's): the same build gives the same
bytes.
"""
import argparse
import datetime
import hashlib
import json
import os
import pathlib
import re
import subprocess
import sys
import urllib.parse

REPO = pathlib.Path(__file__).resolve().parents[2]
COMMON_LICENSES = pathlib.Path("/usr/share/common-licenses")

# What each kind of part is, and its license: SPDX expression, the license
# texts a NOTICE carries besides the part's own copyright file (a file of
# /usr/share/common-licenses, or None where the copyright file or the
# source's own text holds the whole license).
KINDS = {
    "dbinit": ("dbinit", "Apache-2.0"),
    "libpq": ("libpq (PostgreSQL)", "PostgreSQL"),
    "openssl": ("OpenSSL", "Apache-2.0"),
    "boost": ("Boost (Log, Program_options, Thread)", "BSL-1.0"),
    "glibc": ("GNU C Library (glibc)", "LGPL-2.1-or-later"),
    "gcc-runtime": ("GCC runtime libraries (libgcc, libstdc++)", "GPL-3.0-or-later WITH GCC-exception-3.1"),
    "libpg_query": ("libpg_query (PostgreSQL's parser)", "BSD-3-Clause AND BSD-2-Clause AND PostgreSQL"),
    "ca-certificates": ("Mozilla's CA certificates (Debian ca-certificates)", "MPL-2.0"),
}
COMMON_LICENSE_FILE = {"LGPL-2.1-or-later": "LGPL-2.1", "GPL-3.0-or-later WITH GCC-exception-3.1": "GPL-3",
                       "MPL-2.0": "MPL-2.0"}
# Debian source package -> kind.
DEBIAN_SOURCES = {
    "glibc": "glibc", "cross-toolchain-base": "glibc",
    "gcc-12": "gcc-runtime", "gcc-12-cross": "gcc-runtime",
    "openssl": "openssl",
    "libpg-query": "libpg_query",
    "ca-certificates": "ca-certificates",
}


def fail(message):
    sys.exit(f"bill-of-materials: error: {message}")


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def linked_inputs(map_path, build_dir):
    """The archives the linker took members from, and the plain objects it
    loaded, as written in a GNU ld map (relative paths are the build
    directory's, where the link ran)."""
    archives, objects = set(), set()
    text = pathlib.Path(map_path).read_text(errors="replace")
    head, _, rest = text.partition("\nDiscarded input sections")
    if not rest:
        fail(f"{map_path} is not a GNU ld link map")
    for line in head.splitlines():
        m = re.match(r"^(\S+\.a)\(([^)]*)\)", line)
        if m:
            archives.add(os.path.normpath(os.path.join(build_dir, m.group(1))))
    for line in text.splitlines():
        m = re.match(r"^LOAD (\S+\.o)$", line)
        if m:
            objects.add(os.path.normpath(os.path.join(build_dir, m.group(1))))
    if not archives:
        fail(f"{map_path} names no archive member: not a map of a static link")
    return archives | objects


def kept_files(directory, names, script, beside):
    """The files a build script keeps beside what it builds, by name; each
    must be there."""
    files = {n: directory / n for n in names}
    for n, f in files.items():
        if not f.is_file():
            fail(f"{f} is missing: {script} keeps {n} beside {beside}")
    return files


class Parts:
    def __init__(self, build_dir, arch):
        self.build_dir = pathlib.Path(build_dir).resolve()
        self.arch = arch
        self.cache = {}
        for line in (self.build_dir / "CMakeCache.txt").read_text().splitlines():
            m = re.match(r"^([A-Za-z_0-9]+):[A-Z]+=(.*)$", line)
            if m:
                self.cache[m.group(1)] = m.group(2)
        self.found = {}  # key -> part

    def add_all(self, paths):
        """Each path's part; the files outside the build directory asked of
        dpkg at once (one dpkg-query reads every package's file list)."""
        outside = [p for p in paths if not self.inside(p)]
        owners = {}
        if outside:
            asked = sorted({c for p in outside for c in (os.path.normpath(p), os.path.realpath(p))})
            for line in run("dpkg-query", "-S", *asked).stdout.splitlines():
                m = re.match(r"^(.+?): (/.*)$", line)
                if m:
                    owners[m.group(2)] = m.group(1).split(",")[0].strip()
        for path in paths:
            if self.inside(path):
                self.add(path)
                continue
            built = pathlib.Path(os.path.realpath(path)).parent.parent
            if pathlib.Path(path).name == "libpg_query.a" and (built / "SOURCES").is_file():
                self.libpg_query(built)
                continue
            owner = owners.get(os.path.normpath(path)) or owners.get(os.path.realpath(path))
            if not owner:
                fail(f"{path} went into the binary, and no Debian package holds it: its license is not known")
            self.debian_package(owner)

    def inside(self, path):
        real = pathlib.Path(os.path.realpath(path))
        return self.build_dir in real.parents or str(real).startswith("/tmp/")

    def add(self, path):
        real = pathlib.Path(os.path.realpath(path))
        inside = self.build_dir in real.parents
        name = real.name
        if inside and ("static-deps/libpq" in str(real) or
                       (real.parent.name == "no-unwind-tables" and name in
                        ("libpq.a", "libpgcommon_shlib.a", "libpgport_shlib.a"))):
            self.libpq()
        elif inside and real.parent.name == "no-unwind-tables" and name in ("libssl.a", "libcrypto.a"):
            original = self.cache.get("OPENSSL_SSL_LIBRARY" if name == "libssl.a" else "OPENSSL_CRYPTO_LIBRARY")
            if not original:
                fail(f"CMakeCache.txt names no OpenSSL archive for {real}")
            self.add_all([original])
        elif inside and name.startswith("libdbinit_boost_"):
            self.boost()
        elif inside and name == "libdbinit_ca_bundle.a":
            self.ca_bundle()
            self.dbinit()
        else:  # dbinit's own code (LTO's partitions in /tmp)
            self.dbinit()

    def dbinit(self):
        self.found.setdefault("dbinit", None)

    def libpq(self):
        if "libpq" in self.found:
            return
        files = kept_files(self.build_dir / "static-deps" / "libpq", ("VERSION", "SOURCE_SHA256", "COPYRIGHT"),
                           "scripts/build-static-libpq", "the libpq it builds")
        version = files["VERSION"].read_text().strip()
        self.found["libpq"] = dict(
            kind="libpq", version=version, sha256=files["SOURCE_SHA256"].read_text().strip(),
            checksum_of=f"the .dsc of Debian's postgresql-17 {version} source package, pinned in "
                        "scripts/build-static-libpq",
            origin=f"Debian source package postgresql-17 {version}, built by scripts/build-static-libpq",
            purl=f"pkg:deb/debian/postgresql-17@{quote(version)}?arch=source&distro=trixie",
            texts=[("COPYRIGHT of the PostgreSQL source", files["COPYRIGHT"])])

    def libpg_query(self, built):
        """libpg_query 17 as scripts/libpg-query-17 built it: its SOURCES,
        SOURCE_SHA256 and LICENSE kept beside the archive."""
        if "libpg_query" in self.found:
            return
        files = kept_files(built, ("SOURCES", "SOURCE_SHA256", "LICENSE"), "scripts/libpg-query-17",
                           "the libpg_query it builds")
        library = re.search(r"^library: libpg_query (\S+) \(([^)]*)\), (\S+)", files["SOURCES"].read_text(),
                            re.MULTILINE)
        if not library:
            fail(f"{files['SOURCES']} names no library version")
        sha, fetched = files["SOURCE_SHA256"].read_text().split()
        self.found["libpg_query"] = dict(
            kind="libpg_query", version=library.group(1), sha256=sha,
            checksum_of=f"{fetched}, the source scripts/libpg-query-17 fetched from Debian 13",
            origin=f"{library.group(3)} ({library.group(2)}), built by scripts/libpg-query-17",
            purl=f"pkg:generic/libpg_query@{quote(library.group(1))}",
            texts=[("LICENSE of the libpg_query source", files["LICENSE"])])

    def boost(self):
        if "boost" in self.found:
            return
        src = pathlib.Path(self.cache.get("DBINIT_STATIC_DEPS_DIR", self.build_dir / "static-deps")) / "boost-src"
        files = kept_files(src, ("VERSION", "SOURCE_SHA256", "LICENSE_1_0.txt"), "scripts/fetch-boost-source",
                           "the Boost sources")
        package, version = files["VERSION"].read_text().split()
        self.found["boost"] = dict(
            kind="boost", version=version, sha256=files["SOURCE_SHA256"].read_text().strip(),
            checksum_of=f"the .dsc of Debian's {package} {version} source package (the installed headers' "
                        "version), fetched by scripts/fetch-boost-source",
            origin=f"Debian source package {package} {version}, compiled by cmake/static_boost.cmake",
            purl=f"pkg:deb/debian/{package}@{quote(version)}?arch=source&distro=bookworm",
            texts=[("LICENSE_1_0.txt of the Boost source", files["LICENSE_1_0.txt"])])

    def ca_bundle(self):
        pem = self.cache.get("DBINIT_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
        if pem != "/etc/ssl/certs/ca-certificates.crt":
            fail(f"the CA bundle is {pem}, not Debian's: its license is not known here")
        self.debian_package("ca-certificates")

    def debian_package(self, package):
        if package in self.found:
            return
        fields = run("dpkg-query", "-W", "-f", "${Package}\t${Architecture}\t${Version}\t${source:Package}\t"
                     "${source:Version}", package)
        if fields.returncode != 0:
            fail(f"dpkg-query knows no installed {package}")
        name, arch, version, source, source_version = fields.stdout.split("\t")
        kind = DEBIAN_SOURCES.get(source)
        if kind is None:
            fail(f"{package} (Debian source package {source}) went into the binary, and its license "
                 "is not known: add its source package to DEBIAN_SOURCES in scripts/lib/bill_of_materials.py")
        copyright_file = pathlib.Path("/usr/share/doc") / name / "copyright"
        if not copyright_file.is_file():
            fail(f"{copyright_file} is missing")
        texts = [(f"Debian's copyright file of {name}", copyright_file)]
        self.found[package] = dict(
            kind=kind, version=version, sha256=None, debian_package=name, arch=arch,
            checksum_of=f"the Debian package {name}_{version}_{arch}.deb, as the signed apt index lists it",
            origin=f"Debian package {name} {version} ({arch}; source {source} {source_version})",
            purl=f"pkg:deb/debian/{name}@{quote(version)}?arch={arch}&distro=bookworm",
            texts=texts)

    def debian_checksums(self):
        """The .deb's sha256 of each Debian package, from one apt-cache call
        (each call reads apt's whole cache)."""
        debs = [p for p in self.found.values() if p and p.get("debian_package")]
        if not debs:
            return
        shown = run("apt-cache", "show", *(f"{p['debian_package']}:{p['arch']}={p['version']}" for p in debs))
        listed = {}
        for stanza in shown.stdout.split("\n\n"):
            fields = dict(re.findall(r"^([A-Za-z0-9-]+): (.*)$", stanza, re.MULTILINE))
            if "SHA256" in fields:
                listed.setdefault((fields.get("Package"), fields.get("Architecture"), fields.get("Version")),
                                  fields["SHA256"])
        for p in debs:
            p["sha256"] = listed.get((p["debian_package"], p["arch"], p["version"]))
            if not p["sha256"]:
                fail(f"apt-cache show {p['debian_package']}:{p['arch']}={p['version']} gives no SHA256 "
                     "(apt-get update first)")

    def parts(self):
        """dbinit first, then the others by kind and name: a fixed order."""
        self.debian_checksums()
        order = list(KINDS)
        others = sorted((p for k, p in self.found.items() if p), key=lambda p: (order.index(p["kind"]),
                                                                               p.get("debian_package", "")))
        return others


def quote(version):
    return urllib.parse.quote(version, safe="")


def license_texts(parts):
    """Each part's own texts, then each common license they name, once."""
    common = []
    for part in parts:
        extra = COMMON_LICENSE_FILE.get(KINDS[part["kind"]][1])
        if extra and extra not in common:
            common.append(extra)
    return common


def write_notice(out, title, version, parts):
    lines = [title, "=" * len(title), "",
             f"dbinit {version} is licensed under the Apache License, Version 2.0, whose text",
             "follows this list. The program(s) also contain, linked statically, the parts",
             "below, each under its own license. This list is made from the link map of the",
             "binary and the pins of the build (scripts/release); the texts follow.", ""]
    width = max(len(KINDS[p["kind"]][0]) for p in parts) if parts else 0
    for p in parts:
        lines.append(f"  {KINDS[p['kind']][0]:<{width}}  {p['version']:<22}  {KINDS[p['kind']][1]}")
        lines.append(f"  {'':<{width}}  from {p['origin']}")
    lines += ["", "", "=" * 78, f"dbinit {version}: Apache License 2.0 (LICENSE)", "=" * 78, "",
              (REPO / "LICENSE").read_text()]
    for p in parts:
        for what, path in p["texts"]:
            heading = f"{KINDS[p['kind']][0]} {p['version']}: {what}"
            lines += ["", "=" * 78, heading, "=" * 78, "", pathlib.Path(path).read_text(errors="replace")]
    for name in license_texts(parts):
        lines += ["", "=" * 78, f"The {name} license text (from Debian's {COMMON_LICENSES / name})", "=" * 78, "",
                  (COMMON_LICENSES / name).read_text()]
    pathlib.Path(out).write_text("\n".join(lines).rstrip("\n") + "\n")


def spdx_id(text):
    return "SPDXRef-" + re.sub(r"[^A-Za-z0-9.-]+", "-", text)


def write_spdx(out, binary, version, commit, arch, parts, epoch):
    binary = pathlib.Path(binary)
    digest = sha256_file(binary)
    created = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    top = spdx_id(binary.name)
    packages = [{
        "SPDXID": top, "name": binary.name.split(f"-{version}-")[0], "versionInfo": version,
        "packageFileName": binary.name, "primaryPackagePurpose": "APPLICATION",
        "downloadLocation": "NOASSERTION", "filesAnalyzed": False,
        "checksums": [{"algorithm": "SHA256", "checksumValue": digest}],
        "licenseConcluded": "Apache-2.0", "licenseDeclared": "Apache-2.0", "copyrightText": "NOASSERTION",
        "sourceInfo": f"built by scripts/release from git commit {commit} for linux/{arch}",
        "supplier": "NOASSERTION",
    }]
    relationships = [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                      "relatedSpdxElement": top}]
    for p in parts:
        ident = spdx_id(f"{p['kind']}-{p.get('debian_package', p['kind'])}")
        packages.append({
            "SPDXID": ident, "name": KINDS[p["kind"]][0], "versionInfo": p["version"],
            "primaryPackagePurpose": "LIBRARY", "downloadLocation": "NOASSERTION", "filesAnalyzed": False,
            "checksums": [{"algorithm": "SHA256", "checksumValue": p["sha256"]}],
            "licenseConcluded": KINDS[p["kind"]][1], "licenseDeclared": KINDS[p["kind"]][1],
            "copyrightText": "NOASSERTION", "supplier": "Organization: Debian",
            "sourceInfo": f"{p['origin']}; the checksum is of {p['checksum_of']}",
            "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                              "referenceLocator": p["purl"]}],
        })
        relationships.append({"spdxElementId": top, "relationshipType": "CONTAINS", "relatedSpdxElement": ident})
    document = {
        "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
        "name": binary.name,
        "documentNamespace": f"https://spdx.org/spdxdocs/{binary.name}-{digest}",
        "creationInfo": {"created": created, "creators": ["Tool: dbinit-scripts-release"]},
        "documentDescribes": [top],
        "packages": packages, "relationships": relationships,
    }
    pathlib.Path(out).write_text(json.dumps(document, indent=2) + "\n")


def main():
    parser = argparse.ArgumentParser(prog="bill_of_materials.py")
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--arch", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--commit", required=True)
    parser.add_argument("--binary", action="append", required=True, metavar="FILE=MAP")
    parser.add_argument("--notice")
    parser.add_argument("--spdx")
    args = parser.parse_args()
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or fail("SOURCE_DATE_EPOCH is not set"))
    parts = Parts(args.build_dir, args.arch)
    binaries = []
    for pair in args.binary:
        binary, _, map_path = pair.partition("=")
        if not map_path or not pathlib.Path(map_path).is_file():
            fail(f"--binary {pair}: no link map there (cmake/static.cmake writes BUILD_DIR/NAME.map)")
        binaries.append(binary)
        parts.add_all(sorted(linked_inputs(map_path, args.build_dir)))
    found = parts.parts()
    if args.spdx:
        if len(binaries) != 1:
            fail("--spdx describes one binary")
        write_spdx(args.spdx, binaries[0], args.version, args.commit, args.arch, found, epoch)
    if args.notice:
        title = " and ".join(pathlib.Path(b).name for b in binaries)
        write_notice(args.notice, f"Notices for {title}", args.version, found)


if __name__ == "__main__":
    main()
