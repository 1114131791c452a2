"""The saved objects part of the fake Kibana (fake_kibana.py), following Kibana's published saved
objects API and the documented attributes of the types monitorc writes:

  POST   [/s/SPACE]/api/saved_objects/_import[?overwrite=true]   multipart, field "file", *.ndjson
  POST   [/s/SPACE]/api/saved_objects/_export      {objects: [{type, id}] | type: [...], includeReferencesDeep}
  GET    [/s/SPACE]/api/saved_objects/_find?type=&per_page=&page=
  POST   [/s/SPACE]/api/saved_objects/_bulk_get    [{type, id}]
  GET    [/s/SPACE]/api/saved_objects/TYPE/ID
  DELETE [/s/SPACE]/api/saved_objects/TYPE/ID

An import answers as Kibana does: 200 with {success, successCount, successResults, errors},
each error {id, type, title, meta, error: {type: conflict | missing_references |
unsupported_type | unknown}}; objects with errors are not written, the others are. Without
overwrite an existing id is a conflict. References must resolve to an object in the file or in
the space. A malformed file (not multipart, not .ndjson, a line that is not a JSON object) is a
400 for the whole request. validate_saved_object() is also what validate_dashboards.py runs on
built files.
"""
import json
import re

SUPPORTED = {"dashboard", "lens", "visualization", "tag", "index-pattern", "search", "config"}
# Attributes that are JSON text inside the object, per type.
JSON_STRINGS = {
    "dashboard": [("panelsJSON",), ("optionsJSON",), ("kibanaSavedObjectMeta", "searchSourceJSON")],
    "visualization": [("visState",), ("uiStateJSON",), ("kibanaSavedObjectMeta", "searchSourceJSON")],
    "search": [("kibanaSavedObjectMeta", "searchSourceJSON")],
}
REQUIRED = {
    "dashboard": {"title": str, "panelsJSON": str},
    "lens": {"title": str, "visualizationType": str, "state": dict},
    "visualization": {"title": str, "visState": str},
    "tag": {"name": str, "color": str},
    "index-pattern": {"title": str},
    "search": {"title": str},
}
# The dashboard attributes Kibana 8's dashboard type declares (its attributes schema).
DASHBOARD_ATTRIBUTES = {"title", "description", "panelsJSON", "optionsJSON", "timeRestore", "timeFrom", "timeTo",
                        "refreshInterval", "version", "kibanaSavedObjectMeta", "controlGroupInput", "hits"}
LENS_VISUALIZATIONS = {"lnsXY", "lnsMetric", "lnsLegacyMetric", "lnsPie", "lnsDatatable", "lnsGauge", "lnsHeatmap",
                       "lnsTagcloud", "lnsMosaic", "lnsPartition"}
TAG_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class Invalid(Exception):
    pass


def dig(attributes, path):
    v = attributes
    for k in path:
        if not isinstance(v, dict) or k not in v:
            return None
        v = v[k]
    return v


def validate_saved_object(o):
    """Raises Invalid when `o` is not a saved object of a supported type with the attributes its
    type requires (JSON-string attributes that parse, panels on the 48-column grid whose
    references are among the object's references)."""
    if not isinstance(o, dict):
        raise Invalid("a saved object is a JSON object")
    t, oid = o.get("type"), o.get("id")
    if not isinstance(t, str) or not isinstance(oid, str) or not oid:
        raise Invalid("[type] and [id]: expected value of type [string]")
    a = o.get("attributes")
    if not isinstance(a, dict):
        raise Invalid("[attributes]: expected value of type [object] but got [%s]" % type(a).__name__)
    for k, want in REQUIRED.get(t, {}).items():
        if not isinstance(a.get(k), want):
            raise Invalid("[attributes.%s]: expected value of type [%s]" % (k, "string" if want is str else "object"))
    parsed = {}
    for path in JSON_STRINGS.get(t, []):
        v = dig(a, path)
        if v is None:
            continue
        if not isinstance(v, str):
            raise Invalid("[attributes.%s]: expected value of type [string]" % ".".join(path))
        try:
            parsed[path] = json.loads(v)
        except ValueError:
            raise Invalid("[attributes.%s]: not valid JSON" % ".".join(path))
    refs = o.get("references", [])
    if not isinstance(refs, list):
        raise Invalid("[references]: expected value of type [array]")
    for r in refs:
        if not isinstance(r, dict) or not all(isinstance(r.get(k), str) and r.get(k) for k in ("name", "type", "id")):
            raise Invalid("[references]: each reference needs [name], [type] and [id] strings")
    names = {r["name"] for r in refs}
    if t == "dashboard":
        unknown = set(a) - DASHBOARD_ATTRIBUTES
        if unknown:
            raise Invalid("[attributes.%s]: definition for this key is missing" % sorted(unknown)[0])
        panels = parsed[("panelsJSON",)]
        if not isinstance(panels, list):
            raise Invalid("[attributes.panelsJSON]: expected an array of panels")
        seen = set()
        for p in panels:
            g = p.get("gridData") if isinstance(p, dict) else None
            if not isinstance(g, dict):
                raise Invalid("panelsJSON: every panel needs [gridData]")
            for k in ("x", "y", "w", "h"):
                if not isinstance(g.get(k), int) or isinstance(g.get(k), bool):
                    raise Invalid("panelsJSON: [gridData.%s]: expected value of type [number]" % k)
            if g["x"] < 0 or g["w"] < 1 or g["x"] + g["w"] > 48 or g["y"] < 0 or g["h"] < 1:
                raise Invalid("panelsJSON: panel %s is outside the 48-column grid" % p.get("panelIndex"))
            index = p.get("panelIndex")
            if not isinstance(index, str) or g.get("i") != index or index in seen:
                raise Invalid("panelsJSON: [gridData.i] must be the panel's unique [panelIndex]")
            seen.add(index)
            if not isinstance(p.get("type"), str):
                raise Invalid("panelsJSON: panel %s needs a [type]" % index)
            ref = p.get("panelRefName")
            if ref is not None and "%s:%s" % (index, ref) not in names and ref not in names:
                raise Invalid("Could not find reference \"%s\"" % ref)
            if ref is None and not isinstance(p.get("embeddableConfig"), dict):
                raise Invalid("panelsJSON: panel %s has neither a [panelRefName] nor a by-value [embeddableConfig]" % index)
    if t == "lens":
        if a["visualizationType"] not in LENS_VISUALIZATIONS:
            raise Invalid("[attributes.visualizationType]: unknown visualization [%s]" % a["visualizationType"])
        state = a["state"]
        for k in ("datasourceStates", "visualization", "query", "filters"):
            if k not in state:
                raise Invalid("[attributes.state.%s]: expected a value" % k)
        layers = dig(state, ("datasourceStates", "formBased", "layers")) or {}
        for lid, layer in layers.items():
            cols = layer.get("columns", {})
            for c in layer.get("columnOrder", []):
                if c not in cols:
                    raise Invalid("lens layer %s: columnOrder names column %s, which it does not have" % (lid, c))
            if "indexpattern-datasource-layer-" + lid not in names:
                raise Invalid("lens layer %s has no data view reference [indexpattern-datasource-layer-%s]" % (lid, lid))
    if t == "visualization":
        vis = parsed[("visState",)]
        if not isinstance(vis, dict) or not isinstance(vis.get("type"), str):
            raise Invalid("[attributes.visState]: needs a [type]")
        if vis["type"] == "markdown" and not isinstance(vis.get("params", {}).get("markdown"), str):
            raise Invalid("[attributes.visState.params.markdown]: expected value of type [string]")
    if t == "tag":
        if not TAG_COLOR.match(a["color"]):
            raise Invalid("[attributes.color]: must be a hex color (#RRGGBB)")


def parse_multipart(content_type, raw):
    """The "file" field of a multipart/form-data body: (filename, bytes)."""
    m = re.search(r'boundary="?([^";]+)"?', content_type or "")
    if not content_type or not content_type.startswith("multipart/form-data") or not m:
        raise Invalid("Unsupported Media Type: expected multipart/form-data")
    boundary = ("--" + m.group(1)).encode()
    for part in raw.split(boundary)[1:]:
        if part.startswith(b"--"):
            break
        head, _, data = part.partition(b"\r\n\r\n")
        if data.endswith(b"\r\n"):
            data = data[:-2]
        disposition = re.search(rb'name="([^"]*)"(?:; filename="([^"]*)")?', head)
        if disposition and disposition.group(1) == b"file":
            return (disposition.group(2) or b"").decode(), data
    raise Invalid("[request body.file]: expected value of type [Stream] but got [undefined]")


def parse_ndjson(filename, data):
    if not filename.endswith(".ndjson"):
        raise Invalid("Invalid file extension %s" % (("." + filename.rsplit(".", 1)[-1]) if "." in filename else filename))
    objects = []
    for n, line in enumerate(data.decode("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            o = json.loads(line)
        except ValueError:
            raise Invalid("Unexpected token in JSON at line %d" % n)
        if not isinstance(o, dict):
            raise Invalid("line %d is not a JSON object" % n)
        if "exportedCount" in o:
            continue
        objects.append(o)
    return objects


def meta(o):
    a = o.get("attributes") or {}
    return {"title": a.get("title", a.get("name", "")), "icon": o.get("type")}


def import_objects(store, objects, overwrite, now):
    """Kibana's import: answer as it gives it, writing the objects without errors."""
    errors, results = [], []
    in_file = {(o.get("type"), o.get("id")) for o in objects if isinstance(o, dict)}
    for o in objects:
        key = (o.get("type"), o.get("id"))
        base = {"id": o.get("id"), "type": o.get("type"), "title": meta(o)["title"], "meta": meta(o)}
        if o.get("type") not in SUPPORTED:
            errors.append(dict(base, error={"type": "unsupported_type"}))
            continue
        try:
            validate_saved_object(o)
        except Invalid as e:
            errors.append(dict(base, error={"type": "unknown", "message": str(e), "statusCode": 400}))
            continue
        missing = [{"type": r["type"], "id": r["id"]} for r in o.get("references", [])
                   if (r["type"], r["id"]) not in in_file and (r["type"], r["id"]) not in store]
        if missing:
            errors.append(dict(base, error={"type": "missing_references", "references": missing}))
            continue
        if key in store and not overwrite:
            errors.append(dict(base, error={"type": "conflict"}))
            continue
        results.append({"type": key[0], "id": key[1], "meta": meta(o)})
    written = {(r["type"], r["id"]) for r in results}
    for o in objects:
        key = (o.get("type"), o.get("id"))
        if key not in written:
            continue
        stored = {k: o[k] for k in ("type", "id", "attributes", "references", "coreMigrationVersion", "typeMigrationVersion")
                  if k in o}
        stored.setdefault("references", [])
        created = store[key]["created_at"] if key in store else now
        stored.update({"created_at": created, "updated_at": now, "version": "WzEsMV0=", "managed": False})
        if overwrite and key in store:
            results[[(r["type"], r["id"]) for r in results].index(key)]["overwrite"] = True
        store[key] = stored
    return {"success": not errors, "successCount": len(results), "successResults": results, "errors": errors}


def export_objects(store, body):
    """_export's NDJSON: the objects asked for (by id or by type), with what they reference when
    includeReferencesDeep, then the export summary."""
    if not isinstance(body, dict):
        raise Invalid("[request body]: expected value of type [object]")
    if "objects" in body:
        wanted = [(o.get("type"), o.get("id")) for o in body["objects"]]
    elif "type" in body:
        types = body["type"] if isinstance(body["type"], list) else [body["type"]]
        wanted = sorted(k for k in store if k[0] in types)
    else:
        raise Invalid("Either `type` or `objects` are required.")
    out, seen, missing = [], set(), []
    todo = list(wanted)
    while todo:
        key = todo.pop(0)
        if key in seen:
            continue
        seen.add(key)
        if key not in store:
            missing.append({"type": key[0], "id": key[1]})
            continue
        out.append(store[key])
        if body.get("includeReferencesDeep"):
            todo.extend((r["type"], r["id"]) for r in store[key].get("references", []))
    lines = [json.dumps(o) for o in out]
    lines.append(json.dumps({"excludedObjects": [], "excludedObjectsCount": 0, "exportedCount": len(out),
                             "missingRefCount": len(missing), "missingReferences": missing}))
    return "\n".join(lines) + "\n"


def route(store, method, path, query, body, raw, content_type, now):
    """(status, JSON answer or NDJSON text) for a saved objects request; None when not one."""
    def not_found(t, i):
        return 404, {"statusCode": 404, "error": "Not Found", "message": "Saved object [%s/%s] not found" % (t, i)}
    if method == "POST" and path == "/api/saved_objects/_import":
        filename, data = parse_multipart(content_type, raw)
        objects = parse_ndjson(filename, data)
        return 200, import_objects(store, objects, query.get("overwrite", ["false"])[0] == "true", now)
    if method == "POST" and path == "/api/saved_objects/_export":
        return 200, export_objects(store, body)
    if method == "GET" and path == "/api/saved_objects/_find":
        types = query.get("type", [])
        if not types:
            raise Invalid("[request query.type]: expected value of type [string] but got [undefined]")
        page, per_page = int(query.get("page", ["1"])[0]), int(query.get("per_page", ["20"])[0])
        items = sorted((o for k, o in store.items() if k[0] in types), key=lambda o: (o["type"], o["id"]))
        return 200, {"page": page, "per_page": per_page, "total": len(items),
                     "saved_objects": items[(page - 1) * per_page: page * per_page]}
    if method == "POST" and path == "/api/saved_objects/_bulk_get":
        if not isinstance(body, list):
            raise Invalid("[request body]: expected value of type [array]")
        answer = []
        for want in body:
            key = (want.get("type"), want.get("id"))
            answer.append(store[key] if key in store else
                          {"id": key[1], "type": key[0], "error": not_found(*key)[1]})
        return 200, {"saved_objects": answer}
    m = re.match(r"^/api/saved_objects/([a-z-]+)/([^/]+)$", path)
    if m:
        from urllib.parse import unquote
        key = (m.group(1), unquote(m.group(2)))
        if method == "GET":
            return (200, store[key]) if key in store else not_found(*key)
        if method == "DELETE":
            if key not in store:
                return not_found(*key)
            del store[key]
            return 200, {}
    return None
