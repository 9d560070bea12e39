"""A FROM-scratch image of a few files, written as one tar that is both an
OCI image layout (oci-layout, index.json, blobs/sha256/...: skopeo's
oci-archive:) and a `docker load` archive (manifest.json naming the same
blobs), byte for byte the same from the same inputs: every tar member owned
by 0:0 with SOURCE_DATE_EPOCH's time, members in a fixed order, the layer
gzip-compressed without a name or time, JSON with sorted keys. scripts/release
runs it with /usr/bin/python3 (the standard library only); `docker import`
and `docker save` would stamp the time of the run into the image.

  image_archive.py --arch amd64|arm64 --name NAME --tag TAG --output FILE \
      [--label KEY=VALUE ...] [--entrypoint PATH] PATH_IN_IMAGE=FILE[:MODE] ...
"""
import argparse
import datetime
import gzip
import hashlib
import io
import json
import os
import pathlib
import sys
import tarfile

PLATFORMS = {"amd64": {"architecture": "amd64", "os": "linux"},
             "arm64": {"architecture": "arm64", "os": "linux", "variant": "v8"}}


def fail(message):
    sys.exit(f"image-archive: error: {message}")


def member(name, epoch, mode, size=0, directory=False):
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE if directory else tarfile.REGTYPE
    info.mode, info.size, info.mtime = mode, size, epoch
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def tar_bytes(entries, epoch):
    """entries: (name, bytes or None for a directory, mode), in this order."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data, mode in entries:
            if data is None:
                tar.addfile(member(name, epoch, mode, directory=True))
            else:
                tar.addfile(member(name, epoch, mode, len(data)), io.BytesIO(data))
    return out.getvalue()


def canonical(document):
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def descriptor(media_type, data, **extra):
    return {"mediaType": media_type, "digest": "sha256:" + hashlib.sha256(data).hexdigest(), "size": len(data),
            **extra}


def main():
    parser = argparse.ArgumentParser(prog="image_archive.py")
    parser.add_argument("--arch", required=True, choices=sorted(PLATFORMS))
    parser.add_argument("--name", required=True)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--label", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--entrypoint")
    parser.add_argument("files", nargs="+", metavar="PATH_IN_IMAGE=FILE[:MODE]")
    args = parser.parse_args()
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or fail("SOURCE_DATE_EPOCH is not set"))
    created = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    # The layer: each file at its path, the directories it needs before it.
    files = {}
    for spec in args.files:
        inside, _, source = spec.partition("=")
        source, _, mode = source.partition(":")
        inside = inside.strip("/")
        if not inside or not source:
            fail(f"{spec}: expected PATH_IN_IMAGE=FILE[:MODE]")
        files[inside] = (pathlib.Path(source).read_bytes(), int(mode or "644", 8))
    entries, directories = [], set()
    for inside in sorted(files):
        parts = inside.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            directory = "/".join(parts[:depth])
            if directory not in directories:
                directories.add(directory)
                entries.append((directory + "/", None, 0o755))
        entries.append((inside, *files[inside]))
    layer = tar_bytes(entries, epoch)
    compressed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=compressed, mtime=0, compresslevel=9) as stream:
        stream.write(layer)
    compressed = compressed.getvalue()

    labels = dict(label.split("=", 1) for label in args.label)
    config = {
        "created": created, **PLATFORMS[args.arch],
        "config": {"Labels": labels, **({"Entrypoint": [args.entrypoint]} if args.entrypoint else {})},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]},
        "history": [{"created": created, "created_by": "scripts/release (scripts/lib/image_archive.py)"}],
    }
    config_bytes = canonical(config)
    manifest = {
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": descriptor("application/vnd.oci.image.config.v1+json", config_bytes),
        "layers": [descriptor("application/vnd.oci.image.layer.v1.tar+gzip", compressed)],
        "annotations": {"org.opencontainers.image.created": created},
    }
    manifest_bytes = canonical(manifest)
    reference = f"{args.name}:{args.tag}"
    index = {
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [descriptor("application/vnd.oci.image.manifest.v1+json", manifest_bytes,
                                 platform=PLATFORMS[args.arch],
                                 annotations={"org.opencontainers.image.ref.name": args.tag,
                                              "io.containerd.image.name": reference})],
    }
    blob = lambda data: "blobs/sha256/" + hashlib.sha256(data).hexdigest()  # noqa: E731
    docker_manifest = [{"Config": blob(config_bytes), "RepoTags": [reference], "Layers": [blob(compressed)]}]

    blobs = sorted({blob(data): data for data in (compressed, config_bytes, manifest_bytes)}.items())
    archive = [("blobs/", None, 0o755), ("blobs/sha256/", None, 0o755)]
    archive += [(name, data, 0o644) for name, data in blobs]
    archive += [("index.json", canonical(index), 0o644), ("manifest.json", canonical(docker_manifest), 0o644),
                ("oci-layout", canonical({"imageLayoutVersion": "1.0.0"}), 0o644)]
    pathlib.Path(args.output).write_bytes(tar_bytes(archive, epoch))


if __name__ == "__main__":
    main()
