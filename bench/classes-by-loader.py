#!/usr/bin/env python3
"""Classes loaded per class loader, from `jcmd <pid> VM.classloaders show-classes`, for bench/footprint.sh.

Usage: classes-by-loader.py <jcmd output file> [rows, default 25]

Prints a Markdown table: the loaders holding the most classes, each named by its loader type and the
packages most of its classes come from (an OSGi bundle's class loader has no name of its own; its packages
tell which bundle it is), and the totals. Array classes are not counted.
"""
import collections
import re
import sys

CLASS_NAME = re.compile(r"^[\w$.]+$")


def loaders(lines):
    current = None
    for line in lines:
        header = re.search(r"\+-- (.*)$", line)
        if header:
            current = [header.group(1).strip(), []]
            yield current
            continue
        if current is None:
            continue
        text = line.replace("|", " ").strip()  # the tree's branches: one "|" per level of nesting
        if text.startswith("Classes:"):
            text = text[len("Classes:"):].strip()
        if text and CLASS_NAME.match(text) and "." in text:
            current[1].append(text)


def label(header):
    if header.startswith("<bootstrap>"):
        return "JDK (boot)"
    if '"app"' in header:
        return "class path (app)"
    if '"platform"' in header:
        return "JDK (platform)"
    kind = header.split()[-1] if header.split() else header
    kind = kind.rsplit(".", 1)[-1]
    return kind.replace("BundleWiringImpl$BundleClassLoader", "bundle")


def main():
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    with open(sys.argv[1]) as f:
        every = list(loaders(f.read().splitlines()))
    found = [(label(h), classes) for h, classes in every if classes]
    total = sum(len(c) for _, c in found)
    bundles = [c for name, c in found if name == "bundle"]
    found.sort(key=lambda entry: -len(entry[1]))
    print(f"{total} classes in {len(found)} class loaders; bundles: {sum(len(c) for c in bundles)} classes "
          f"in {len(bundles)} bundle class loaders")
    print()
    print("| classes | loader | packages (classes) |")
    print("|---|---|---|")
    for name, classes in found[:rows]:
        packages = collections.Counter(".".join(c.split(".")[:3]) for c in classes).most_common(3)
        print(f"| {len(classes)} | {name} | " + ", ".join(f"{p} ({n})" for p, n in packages) + " |")


if __name__ == "__main__":
    main()
