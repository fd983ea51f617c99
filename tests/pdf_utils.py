"""Helpers to look inside a PDF produced by our renderer (tests only)."""

import contextlib
import io
import os
import sys
import zlib

from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject


def pdf_reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in pdf_reader(data).pages)


def pdf_all_bytes(data: bytes) -> bytes:
    """The file's bytes plus every stream decoded: what a curious reader could get out of it."""
    reader = pdf_reader(data)
    chunks = [data]
    ids = set()
    for generation, table in reader.xref.items():
        ids.update((num, generation) for num in table)
    ids.update((num, 0) for num in reader.xref_objStm)
    for num, generation in sorted(ids):
        try:
            obj = IndirectObject(num, generation, reader).get_object()
        except Exception:  # noqa: BLE001, S112 - a broken object is simply skipped
            continue
        if isinstance(obj, StreamObject):
            try:
                chunks.append(obj.get_data())
            except Exception:  # noqa: BLE001
                try:
                    chunks.append(zlib.decompress(obj._data))
                except Exception:  # noqa: BLE001
                    chunks.append(obj._data)
    return b"\n".join(chunks)


def pdf_embedded_files(data: bytes) -> list[str]:
    """Names of files embedded in the PDF: the document's attachments and any file-attachment annotation."""
    reader = pdf_reader(data)
    names = list(reader.attachments)
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/FileAttachment":
                names.append(str(annot.get("/FS", {}).get_object().get("/F", "?")))
    catalog_names = reader.trailer["/Root"].get("/Names")
    if catalog_names is not None and "/EmbeddedFiles" in catalog_names.get_object():
        names.append("/EmbeddedFiles")
    return names


def pdf_image_count(data: bytes) -> int:
    return sum(len(page.images) for page in pdf_reader(data).pages)


# --- watching file reads --------------------------------------------------------------------------

_WATCH: dict = {"paths": None, "hits": []}


def _audit(event, args):
    if event != "open" or _WATCH["paths"] is None or not args or isinstance(args[0], int) or args[0] is None:
        return
    try:
        path = os.path.realpath(os.fsdecode(args[0]))
    except (TypeError, ValueError):
        return
    if path in _WATCH["paths"]:
        _WATCH["hits"].append(path)


sys.addaudithook(_audit)  # audit hooks cannot be removed: it only records while watch_file_opens runs


@contextlib.contextmanager
def watch_file_opens(paths):
    """Record every attempt (by Python code in this process) to open one of `paths`."""
    hits: list[str] = []
    _WATCH.update(paths={os.path.realpath(p) for p in paths}, hits=hits)
    try:
        yield hits
    finally:
        _WATCH.update(paths=None, hits=[])
