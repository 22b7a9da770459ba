#!/usr/bin/env python3
"""Writes docs/configuration.md from the configuration metadata the build generates.

Run after `./mvnw -pl loader-spring-boot-autoconfigure compile`:
    python3 docs/tools/configuration-reference.py
ConfigurationReferenceTests fails the build when a property is missing from the page.
"""
import json
import pathlib

root = pathlib.Path(__file__).resolve().parents[2]
metadata = root / "loader-spring-boot-autoconfigure/target/classes/META-INF/spring-configuration-metadata.json"
properties = json.loads(metadata.read_text())["properties"]

def short_type(name):
    name = name or ""
    for prefix in ("java.lang.", "java.time.", "org.springframework.util.unit.", "java.util."):
        name = name.replace(prefix, "")
    return name.replace("dev.workerloader.autoconfigure.WorkerLoaderProperties$", "")

def default(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "`" + str(value).lower() + "`"
    if isinstance(value, list):
        return "`" + ", ".join(map(str, value)) + "`"
    return "`" + str(value) + "`"

lines = [
    "# Configuration reference",
    "",
    "Every property of the starter, generated from the configuration metadata by",
    "`docs/tools/configuration-reference.py`. Policies are a map: the keys shown for `default` exist for every",
    "policy name (`worker-loader.policies.<name>.…`); values a policy does not set come from its `base-policy`,",
    "then from the defaults below.",
    "",
    "| property | type | default | description |",
    "|---|---|---|---|",
]
for prop in sorted(properties, key=lambda p: p["name"]):
    if not prop["name"].startswith("worker-loader") and "workerloader" not in prop["name"]:
        continue
    description = (prop.get("description") or "").replace("|", "\\|").replace("\n", " ")
    lines.append("| `{}` | {} | {} | {} |".format(prop["name"], short_type(prop.get("type")),
                                                 default(prop.get("defaultValue")), description))
(root / "docs/configuration.md").write_text("\n".join(lines) + "\n")
print("wrote docs/configuration.md with", len(lines) - 9, "properties")
