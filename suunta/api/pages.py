"""What the token pages show: the user's own tokens, or an organization's service tokens."""

from suunta.organizations.models import Organization

from .models import ApiToken


def own_tokens(user):
    return ApiToken.objects.filter(user=user, organization=None).select_related("created_by")


def service_tokens(organization: Organization):
    return ApiToken.objects.filter(organization=organization).select_related("user", "created_by")


def docs_page() -> dict:
    """The API reference rendered from the OpenAPI schema: no script, no CDN."""
    from .api import api  # noqa: PLC0415  (the API imports the routes; the page only reads the schema)

    schema = api.get_openapi_schema()
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "tag": (operation.get("tags") or [""])[0],
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": p.get("schema", {}).get("type", "")
                            or ", ".join(str(e) for e in p.get("schema", {}).get("enum", [])),
                            "description": p.get("description", "")
                            or p.get("schema", {}).get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": bool(operation.get("requestBody")),
                    "responses": sorted(operation.get("responses", {})),
                    "anchor": operation.get("operationId", ""),
                }
            )
    return {"schema": schema, "operations": operations}
