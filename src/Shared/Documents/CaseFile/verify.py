#!/usr/bin/env python3
"""Checks a Litiges case file without the application (Python 3, standard library only).

    python3 verify.py [CASE_FILE.zip | FOLDER] [--key ID=BASE64 ...] [--key-file ID=PATH ...]
                      [--seal-sha256 HEX]

Without a path, checks the folder this script is in (the unzipped case file). What it checks:
  1. manifest.csv: every file has the size and SHA-256 the manifest gives;
  2. history/entries.json: each entry's SHA-256 is recomputed from its fields and chains to the
     previous one; the last one is the dispute's head;
  3. with the company's history key(s): each entry's HMAC-SHA256 (a forger without the key
     cannot recompute it);
  4. history/seal.json: the dispute's history still reaches the head the seal recorded (no entry
     deleted or rewritten since); with --seal-sha256 (the digest e-mailed when the seal was made),
     that the seal itself is the one e-mailed;
  5. each evidence upload recorded in the history is in the case file with the same SHA-256.
Exit status 0 when nothing failed, 1 otherwise.
"""
import argparse
import base64
import csv
import hashlib
import hmac
import io
import json
import os
import sys
import zipfile

MAC_PREFIX = "litiges-history-v1\n"
SEPARATOR = "\x1f"


class CaseFile:
    def __init__(self, path):
        self.zip = None
        self.folder = None
        if os.path.isfile(path):
            self.zip = zipfile.ZipFile(path)
        else:
            self.folder = path

    def read(self, name):
        try:
            if self.zip is not None:
                return self.zip.read(name)
            with open(os.path.join(self.folder, *name.split("/")), "rb") as f:
                return f.read()
        except (KeyError, FileNotFoundError):
            return None


class Report:
    def __init__(self):
        self.failures = 0

    def ok(self, text):
        print("OK    " + text)

    def warn(self, text):
        print("NOTE  " + text)

    def fail(self, text):
        self.failures += 1
        print("FAIL  " + text)


def entry_hash(entry):
    fields = [
        str(entry["sequence"]),
        str(entry["atTicks"]),
        entry["actorUserId"],
        entry["actorName"],
        entry["actorRole"],
        entry["action"],
        entry["fromStatus"],
        entry["toStatus"],
        entry["text"] if entry["text"] is not None else "",
        "1" if entry["isPublic"] else "0",
        entry["previousHash"],
    ]
    canonical = SEPARATOR.join(fields)
    if entry.get("evidenceSha256") is not None:
        canonical += SEPARATOR + entry["evidenceSha256"]
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def entry_mac(key, reference, entry_hash_hex):
    message = (MAC_PREFIX + reference + "\n" + entry_hash_hex).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def check_manifest(case, report):
    data = case.read("manifest.csv")
    if data is None:
        report.fail("manifest.csv is missing")
        return []
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    for row in rows:
        if row["sha256"] == "missing":
            report.warn("%s: listed as missing when the case file was made" % row["path"])
            continue
        content = case.read(row["path"])
        if content is None:
            report.fail("%s: in the manifest, not in the case file" % row["path"])
        elif len(content) != int(row["bytes"]) or hashlib.sha256(content).hexdigest() != row["sha256"]:
            report.fail("%s: size or SHA-256 differs from the manifest" % row["path"])
    report.ok("manifest.csv: %d file(s) checked" % len(rows))
    return rows


def check_chain(history, keys, report):
    reference = history["dispute"]["reference"]
    entries = history["entries"]
    previous = ""
    intact = True
    for number, entry in enumerate(entries, start=1):
        if entry["sequence"] != number:
            report.fail("entry %d: sequence %s (an entry is missing or out of order)" % (number, entry["sequence"]))
            return False
        if entry["previousHash"] != previous:
            report.fail("entry %d: does not chain to entry %d" % (number, number - 1))
            intact = False
        if entry_hash(entry) != entry["hash"]:
            report.fail("entry %d: its fields do not give its SHA-256 (altered)" % number)
            intact = False
        previous = entry["hash"]
    if history["dispute"]["historyCount"] != len(entries) or history["dispute"]["lastHistoryHash"] != previous:
        report.fail("the dispute's head (%s entries) is not the last entry" % history["dispute"]["historyCount"])
        intact = False
    if intact:
        report.ok("hash chain: %d entries chain from the first to the dispute's head" % len(entries))

    if not keys:
        report.warn("HMAC not checked: give the company's history key(s) with --key ID=BASE64")
        return intact
    for entry in entries:
        key = keys.get(entry.get("keyId") or "")
        if entry.get("mac") is None:
            report.fail("entry %d: not authenticated (no HMAC)" % entry["sequence"])
            intact = False
        elif key is None:
            report.fail("entry %d: key '%s' not given" % (entry["sequence"], entry["keyId"]))
            intact = False
        elif not hmac.compare_digest(entry_mac(key, reference, entry["hash"]), entry["mac"]):
            report.fail("entry %d: HMAC does not match (written or rewritten without the key)" % entry["sequence"])
            intact = False
    if intact:
        report.ok("HMAC: every entry is authenticated by the history key")
    return intact


def check_seal(case, history, seal_digest, report):
    data = case.read("history/seal.json")
    if data is None:
        report.warn("no seal in the case file: the history was not sealed yet")
        return
    digest = hashlib.sha256(data).hexdigest()
    if seal_digest is not None:
        if digest == seal_digest.lower():
            report.ok("seal: its SHA-256 is the digest given (%s)" % digest)
        else:
            report.fail("seal: its SHA-256 %s is not the digest given" % digest)
    else:
        report.warn("seal SHA-256 %s: compare it with the digest e-mailed when it was made (--seal-sha256)" % digest)
    seal = json.loads(data.decode("utf-8"))
    dispute = history["dispute"]
    sealed = next((d for d in seal["disputes"] if d["id"] == dispute["id"]), None)
    if sealed is None:
        report.warn("seal %s (%s) does not cover this dispute yet" % (seal["name"], seal["sealedAt"]))
        return
    entries = history["entries"]
    count = sealed["entries"]
    if len(entries) < count:
        report.fail("seal %s recorded %d entries; only %d remain (entries deleted)" % (seal["name"], count, len(entries)))
    elif entries[count - 1]["hash"] != sealed["head"]:
        report.fail("seal %s: entry %d is not the one sealed (history rewritten)" % (seal["name"], count))
    else:
        later = len(entries) - count
        report.ok("seal %s of %s: entries 1 to %d are the ones sealed%s" % (
            seal["name"], seal["sealedAt"], count, "" if later == 0 else "; %d later entr%s not sealed yet" % (later, "y" if later == 1 else "ies")))


def check_evidence(history, manifest, report):
    files = {}
    for row in manifest:
        if row["path"].startswith("evidence/"):
            files.setdefault(row["sha256"], row["path"])
            if row.get("recorded_sha256"):
                files.setdefault("recorded:" + row["recorded_sha256"], row["path"])
    uploads = [e for e in history["entries"] if e.get("evidenceSha256")]
    for entry in uploads:
        sha = entry["evidenceSha256"]
        if sha in files:
            continue
        if "recorded:" + sha in files:
            report.warn("entry %d: evidence %s is recorded but its file is missing or differs" % (entry["sequence"], entry["text"]))
        else:
            report.fail("entry %d: evidence %s (SHA-256 %s) is not in the case file" % (entry["sequence"], entry["text"], sha))
    report.ok("evidence: %d upload(s) recorded in the history checked against the files" % len(uploads))


def parse_keys(arguments):
    keys = {}
    for item in arguments.key or []:
        key_id, _, value = item.partition("=")
        keys[key_id] = base64.b64decode(value)
    for item in arguments.key_file or []:
        key_id, _, path = item.partition("=")
        with open(path, "r", encoding="ascii") as f:
            keys[key_id] = base64.b64decode(f.read().strip())
    return keys


def main():
    parser = argparse.ArgumentParser(description="Checks a Litiges case file without the application.")
    parser.add_argument("path", nargs="?", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--key", action="append", help="a history key: ID=BASE64 (repeat for older keys)")
    parser.add_argument("--key-file", action="append", help="a history key file: ID=PATH (base64 inside)")
    parser.add_argument("--seal-sha256", help="the seal digest e-mailed to the credit managers")
    arguments = parser.parse_args()

    case = CaseFile(arguments.path)
    report = Report()
    manifest = check_manifest(case, report)
    data = case.read("history/entries.json")
    if data is None:
        report.fail("history/entries.json is missing")
    else:
        history = json.loads(data.decode("utf-8"))
        print("Dispute %s: %d history entries" % (history["dispute"]["reference"], len(history["entries"])))
        check_chain(history, parse_keys(arguments), report)
        check_seal(case, history, arguments.seal_sha256, report)
        check_evidence(history, manifest, report)
    print("RESULT " + ("intact" if report.failures == 0 else "%d failure(s)" % report.failures))
    return 0 if report.failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
