"""One multi-architecture image: the release's per-architecture image
archives (each an OCI image layout with one manifest, its platform in
index.json: scripts/lib/image_archive.py) joined into one OCI image layout
whose index.json names one image index, tagged TAG, of all of them. One tag
then serves every architecture:

  skopeo copy --all oci-archive:OUTPUT:TAG docker://REGISTRY/dbinit:TAG

(scripts/publish). The images' manifests, configs and layers are copied byte
for byte, so each keeps the digest of its own archive. Written as the OCI
image-layout and image-index specifications lay it out: an index of
manifest descriptors, each with its platform; skopeo copies indexes but
does not make them. Byte for byte the same from the same archives: members
in name order, owned by 0:0, dated SOURCE_DATE_EPOCH; JSON with sorted keys.
scripts/release runs it with /usr/bin/python3 (the standard library only).

  image_index.py --tag TAG --output FILE ARCHIVE...
"""
import argparse
import hashlib
import io
import json
import os
import sys
import tarfile

LAYOUT = "application/vnd.oci.image.layout.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def fail(message):
    sys.exit(f"image-index: error: {message}")


def canonical(document):
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def read_layout(path):
    """The one manifest descriptor of an image layout, and all its blobs."""
    try:
        with tarfile.open(path) as tar:
            files = {m.name.removeprefix("./"): tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    except (OSError, tarfile.TarError) as error:
        fail(f"{path}: {error}")
    if "oci-layout" not in files or "index.json" not in files:
        fail(f"{path} is not an OCI image layout (no oci-layout or index.json)")
    manifests = json.loads(files["index.json"])["manifests"]
    if len(manifests) != 1 or manifests[0].get("mediaType") != MANIFEST:
        fail(f"{path}: index.json must name exactly one image manifest")
    entry = {key: manifests[0][key] for key in ("mediaType", "digest", "size", "platform") if key in manifests[0]}
    if "platform" not in entry:
        fail(f"{path}: index.json gives its manifest no platform")
    blobs = {}
    for name, data in files.items():
        if name.startswith("blobs/sha256/"):
            if hashlib.sha256(data).hexdigest() != name.rsplit("/", 1)[1]:
                fail(f"{path}: {name} does not match its digest")
            blobs[name] = data
    if f"blobs/{entry['digest'].replace(':', '/')}" not in blobs:
        fail(f"{path}: the manifest {entry['digest']} is missing")
    return entry, blobs


def main():
    parser = argparse.ArgumentParser(prog="image_index.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tag", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("archives", nargs="+")
    args = parser.parse_args()
    try:
        epoch = int(os.environ["SOURCE_DATE_EPOCH"])
    except (KeyError, ValueError):
        fail("SOURCE_DATE_EPOCH must be set to a number of seconds (scripts/release sets it)")

    entries, blobs, platforms = [], {}, set()
    for path in args.archives:
        entry, found = read_layout(path)
        platform = tuple(sorted(entry["platform"].items()))
        if platform in platforms:
            fail(f"{path}: a second image for {entry['platform']}")
        platforms.add(platform)
        entries.append(entry)
        blobs.update(found)
    index = canonical({"schemaVersion": 2, "mediaType": INDEX, "manifests": entries})
    index_digest = hashlib.sha256(index).hexdigest()
    blobs[f"blobs/sha256/{index_digest}"] = index
    layout_index = canonical({"schemaVersion": 2, "mediaType": INDEX, "manifests": [{
        "mediaType": INDEX, "digest": "sha256:" + index_digest, "size": len(index),
        "annotations": {"org.opencontainers.image.ref.name": args.tag}}]})

    files = {"oci-layout": canonical({"imageLayoutVersion": "1.0.0"}), "index.json": layout_index, **blobs}
    directories = ["blobs/", "blobs/sha256/"]
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(directories + list(files)):
            info = tarfile.TarInfo(name)
            info.mtime, info.uid, info.gid, info.uname, info.gname = epoch, 0, 0, "", ""
            if name in files:
                info.mode, info.size = 0o644, len(files[name])
                tar.addfile(info, io.BytesIO(files[name]))
            else:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
    temporary = args.output + ".tmp"
    with open(temporary, "wb") as stream:
        stream.write(out.getvalue())
    os.replace(temporary, args.output)
    described = ", ".join("/".join(filter(None, (e["platform"].get("os"), e["platform"].get("architecture"),
                                                 e["platform"].get("variant")))) for e in entries)
    print(f"image-index: {args.output}: {args.tag} = sha256:{index_digest} for {described}", file=sys.stderr)


if __name__ == "__main__":
    main()
