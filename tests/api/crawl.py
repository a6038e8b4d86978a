"""Walk every readable API resource of a client: lists, then each plan, version,
follow-up and metric's values. Returns {path: response}."""


def crawl(client) -> dict:
    seen = {}

    def get(path, params=None):
        response = client.get(path, params)
        seen[path + (f"?{params}" if params else "")] = response
        return response

    orgs = get("/api/v1/organizations").json()["items"]
    for org in orgs:
        get(f"/api/v1/organizations/{org['slug']}")
        get(f"/api/v1/organizations/{org['slug']}/budget-indicators")
    for agreement in get("/api/v1/agreements").json()["items"]:
        get(f"/api/v1/agreements/{agreement['id']}")
    for plan in get("/api/v1/plans").json()["items"]:
        get(f"/api/v1/plans/{plan['id']}")
        for version in plan["versions"]:
            detail = get(f"/api/v1/plans/{plan['id']}/versions/{version['number']}").json()
            for checkpoint in detail["checkpoints"]:
                get(f"/api/v1/plans/{plan['id']}/checkpoints/{checkpoint['id']}/followup")
            for goal in detail["goals"]:
                for metric in goal["metrics"]:
                    get(f"/api/v1/plans/{plan['id']}/metrics/{metric['id']}/values")
    return seen
