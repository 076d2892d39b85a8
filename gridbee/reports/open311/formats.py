"""GeoReport v2's two formats from one plain value (dicts, lists, strings, numbers, booleans,
None): JSON as is, XML with the spec's element names (`<services><service>…`,
`<service_requests><request>…`, `<errors><error>…`). UTF-8 everywhere, as the spec requires."""

import json
import re
from xml.etree import ElementTree as ET

from django.http import HttpResponse

JSON, XML = "json", "xml"
CONTENT_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}
MEDIA_TYPES = ["text/xml", "application/json"]  # as discovery lists them
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# In XML each member of a list is wrapped in an element named after the list.
_MEMBER = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def render(fmt: str, root: str, data, *, status: int = 200) -> HttpResponse:
    """Answer `data` in the asked format; `root` names the XML document element (and, for a
    list, its members)."""
    if fmt == XML:
        body = to_xml(root, data)
    else:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return HttpResponse(
        body, status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES[JSON])
    )


def render_error(fmt: str, status: int, description: str) -> HttpResponse:
    """The spec's errors: a list of {code, description}, `code` being the HTTP status."""
    return render(fmt, "errors", [{"code": status, "description": str(description)}], status=status)


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, root, data)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(
        element, encoding="utf-8", xml_declaration=False
    )


def _fill(element: ET.Element, name: str, value) -> None:
    if isinstance(value, list):
        member = _MEMBER[name]
        for item in value:
            _fill(ET.SubElement(element, member), member, item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), key, item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))
