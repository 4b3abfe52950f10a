"""Schemathesis hooks for the contract check of atlas-sim (scripts/schemathesis.sh).

Loaded through SCHEMATHESIS_HOOKS. It does three things, each explained in
docs/contract-testing.md:

1. Digest authentication: every generated request is signed with HTTP Digest (the
   scheme the spec declares as DigestAuth), through requests' HTTPDigestAuth, which
   answers the simulator's challenge as any Atlas client does.
2. Real identifiers: path parameters are drawn partly from what the simulator serves
   (its organizations, projects, users), so the 200 and 201 answers are checked, not
   only the 404s that random 24-hex IDs produce.
3. The spec's known quirks, patched in memory before the schema is loaded (the spec
   file itself is read in place and never copied): each patch says which quirk it
   handles and why the simulator, like Atlas, does not follow the spec there.

Environment: ATLAS_SIM_URL, ATLAS_SIM_PUBLIC_KEY, ATLAS_SIM_PRIVATE_KEY (set by the
script from atlas-sim's banner).
"""

import os
import re
import sys

import requests
import schemathesis
from hypothesis import strategies as st
from requests.auth import HTTPDigestAuth

BASE_URL = os.environ["ATLAS_SIM_URL"].rstrip("/")
AUTH = HTTPDigestAuth(os.environ["ATLAS_SIM_PUBLIC_KEY"], os.environ["ATLAS_SIM_PRIVATE_KEY"])
V2 = "application/vnd.atlas.2023-01-01+json"
HEX_ID = re.compile(r"[a-f0-9]{24}")

schemathesis.auth.set_from_requests(AUTH)


# --- 2. Real identifiers -------------------------------------------------------------


def _results(path):
    response = requests.get(
        BASE_URL + path, auth=AUTH, headers={"Accept": V2}, params={"itemsPerPage": 500}, timeout=30
    )
    response.raise_for_status()
    return response.json()["results"]


ORG_IDS = [org["id"] for org in _results("/api/atlas/v2/orgs")]
GROUP_IDS = [group["id"] for group in _results("/api/atlas/v2/groups")]
USERS = [
    (user["groupId"], user["databaseName"], user["username"])
    for group_id in GROUP_IDS
    for user in _results(f"/api/atlas/v2/groups/{group_id}/databaseUsers")
]
MANAGED_USERS = [
    (group_id, username)
    for group_id in GROUP_IDS
    for user in _results(f"/api/atlas/v2/groups/{group_id}/databaseUsers")
    if user["x509Type"] == "MANAGED"
    for username in [user["username"]]
]
print(
    f"schemathesis_hooks: {len(ORG_IDS)} organizations, {len(GROUP_IDS)} projects, "
    f"{len(USERS)} users ({len(MANAGED_USERS)} Atlas-managed X.509) served by the simulator",
    file=sys.stderr,
)


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    """Keeps the generated parameters half of the time, else substitutes served ones.

    A generated ID that breaks the spec's pattern is a negative test case (it must be
    refused) and is kept as it is: replacing it would make the request valid behind
    schemathesis's back.
    """
    if not path_parameters or context.operation is None:
        return st.just(path_parameters)
    for name in ("groupId", "orgId"):
        if name in path_parameters and not HEX_ID.fullmatch(str(path_parameters[name])):
            return st.just(path_parameters)
    names = set(path_parameters)
    if "databaseName" in names and USERS:
        real = st.sampled_from(USERS).map(
            lambda user: {**path_parameters, "groupId": user[0], "databaseName": user[1], "username": user[2]}
        )
    elif "username" in names and USERS:
        pool = MANAGED_USERS if context.operation.method.upper() == "POST" and MANAGED_USERS else USERS
        pairs = [(user[0], user[-1]) for user in pool]
        real = st.sampled_from(pairs).map(
            lambda user: {**path_parameters, "groupId": user[0], "username": user[1]}
        )
    elif "groupId" in names and GROUP_IDS:
        real = st.sampled_from(GROUP_IDS).map(lambda group_id: {**path_parameters, "groupId": group_id})
    elif "orgId" in names and ORG_IDS:
        real = st.sampled_from(ORG_IDS).map(lambda org_id: {**path_parameters, "orgId": org_id})
    else:
        return st.just(path_parameters)
    return st.one_of(st.just(path_parameters), real)


# --- 3. The spec's known quirks --------------------------------------------------------

PATCHES = []


def _patch(description):
    def register(function):
        PATCHES.append((description, function))
        return function

    return register


@_patch("envelope: dropped from every operation (it changes the response shape; EnvelopeTests covers it)")
def _drop_envelope(schema):
    for item in schema["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "parameters" in operation:
                operation["parameters"] = [
                    p for p in operation["parameters"] if p.get("$ref") != "#/components/parameters/envelope"
                ]


@_patch("CloudDatabaseUser.groupId: writeOnly removed (Atlas returns it in every user)")
def _group_id_readable(schema):
    schema["components"]["schemas"]["CloudDatabaseUser"]["properties"]["groupId"].pop("writeOnly", None)


@_patch("ApiError.parameters: items of any type (Atlas sends the strings and numbers put into detail)")
def _error_parameters(schema):
    schema["components"]["schemas"]["ApiError"]["properties"]["parameters"]["items"] = {}


@_patch("UserCert.subject: pattern removed (it demands DC= parts; Atlas-managed subjects are CN=<username>)")
def _subject_pattern(schema):
    schema["components"]["schemas"]["UserCert"]["properties"]["subject"].pop("pattern", None)


@_patch("AtlasOrganization.name, Group.name: space allowed (real names have spaces)")
def _names_with_spaces(schema):
    for name in ("AtlasOrganization", "Group"):
        prop = schema["components"]["schemas"][name]["properties"]["name"]
        prop["pattern"] = prop["pattern"].replace("[", "[ ", 1)


@_patch("UserCert.monthsUntilExpiration: minimum 1 added (the spec has only maximum 24; below 1 is refused, 400 VALIDATION_ERROR)")
def _months_minimum(schema):
    schema["components"]["schemas"]["UserCert"]["properties"]["monthsUntilExpiration"]["minimum"] = 1


@_patch("pageNum: maximum 2147483647 added (no format in the spec; Atlas's is a Java int, the simulator refuses more)")
def _page_num_int32(schema):
    schema["components"]["parameters"]["pageNum"]["schema"]["maximum"] = 2**31 - 1


@_patch("listGroupDatabaseUsers, getGroupDatabaseUser: 400 declared (a malformed query parameter is 400 everywhere)")
def _bad_request_declared(schema):
    users = schema["paths"]["/api/atlas/v2/groups/{groupId}/databaseUsers"]["get"]
    user = schema["paths"]["/api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}"]["get"]
    for operation in (users, user):
        operation["responses"].setdefault("400", {"$ref": "#/components/responses/badRequest"})


# SCHEMATHESIS_SPEC_AS_IS=1 turns the patches and the failure filter below off, to see
# what the quirks alone produce.
AS_IS = os.environ.get("SCHEMATHESIS_SPEC_AS_IS") == "1"


@schemathesis.hook
def before_load_schema(context, raw_schema):
    if AS_IS:
        print("schemathesis_hooks: spec as is (no quirk patched, no failure filtered)", file=sys.stderr)
        return
    for description, function in PATCHES:
        function(raw_schema)
        print(f"schemathesis_hooks: patched {description}", file=sys.stderr)


CREATE_PATH = "/api/atlas/v2/groups/{groupId}/databaseUsers/{username}/certs"


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Drops the failures that are not the simulator's: the create answer's PEM text,
    and a create refused because the user is not Atlas-managed.

    The spec declares the 201 body as a JSON string under a JSON media type; Atlas (and
    the simulator) send the PEM itself, unquoted, under that media type, which no JSON
    parser reads. Only that answer is let through: a 201 of the create operation whose
    body is a certificate followed by a private key.
    """
    if AS_IS:
        return True
    if failure.code == "ST202" and response.status_code == 400 and b'"errorCode":"USER_NOT_MANAGED_X509"' in response.content:
        # Schema-valid, refused on the user's state: creating a certificate for a user
        # that is not an Atlas-managed X.509 user (schemathesis reuses usernames it saw
        # in list answers, of every kind).
        return False
    pem = response.content.startswith(b"-----BEGIN CERTIFICATE-----\n") and b"-----BEGIN PRIVATE KEY-----\n" in response.content
    is_create = case.operation.method.upper() == "POST" and case.operation.path == CREATE_PATH
    return not (is_create and response.status_code == 201 and pem and failure.code == "ST109")
