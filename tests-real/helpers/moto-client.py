"""AWS API calls to a moto server with boto3 (the AWS SDK for Python, installed with moto in its venv).

Reads one JSON object from stdin:
  {"endpoint": "http://127.0.0.1:<port>", "region": "eu-west-1",
   "credentials": {"AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken": ...} or null (unsigned),
   "calls": [{"service": "iam", "method": "create_role", "params": {...}}, ...]}
and writes a JSON list with one entry per call, in order: {"ok": <the answer>} or
{"error": {"code": ..., "message": ..., "status": ...}} (the calls after a failed one still run).

Secret values never leave this process: in every answer, SecretString, SecretBinary and an SSM
parameter's Value are replaced by {"sha256": <hex of the value's bytes>}, so a test compares
hashes, never values.
"""

import hashlib
import json
import sys

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

HIDDEN = {"SecretString", "SecretBinary", "Value"}


def hidden(value):
    raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
    return {"sha256": hashlib.sha256(raw).hexdigest()}


def redact(answer):
    if isinstance(answer, dict):
        return {k: hidden(v) if k in HIDDEN else redact(v) for k, v in answer.items()}
    if isinstance(answer, list):
        return [redact(v) for v in answer]
    return answer


def main():
    request = json.load(sys.stdin)
    creds = request.get("credentials")
    session = boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"] if creds else "unused",
        aws_secret_access_key=creds["SecretAccessKey"] if creds else "unused",
        aws_session_token=(creds or {}).get("SessionToken"),
        region_name=request["region"],
    )
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"}, **({} if creds else {"signature_version": UNSIGNED}))
    clients = {}
    results = []
    for call in request["calls"]:
        service = call["service"]
        if service not in clients:
            clients[service] = session.client(service, endpoint_url=request["endpoint"], config=config)
        try:
            answer = getattr(clients[service], call["method"])(**call.get("params", {}))
            answer.pop("ResponseMetadata", None)
            results.append({"ok": redact(answer)})
        except ClientError as e:
            err = e.response.get("Error", {})
            results.append(
                {
                    "error": {
                        "code": err.get("Code"),
                        "message": err.get("Message"),
                        "status": e.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
                    }
                }
            )
        except Exception as e:  # an answer botocore cannot parse (e.g. an HTML 500 page)
            results.append({"error": {"code": type(e).__name__, "message": str(e)[:500], "status": None}})
    json.dump(results, sys.stdout, default=str)


main()
