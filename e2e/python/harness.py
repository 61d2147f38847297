"""What the boto3 scripts of e2e/python share: a client of one of the server's APIs signed with
a role's key (MERCATO_<ROLE>_ACCESS_KEY_ID and _SECRET_ACCESS_KEY), a check that prints
"ok <name>" or exits non-zero, and the error a call is refused with."""

import os
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

URL = os.environ["MERCATO_URL"]


def client(service, role):
    return boto3.client(
        service,
        endpoint_url=URL,
        region_name="us-east-1",
        aws_access_key_id=os.environ[f"MERCATO_{role}_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ[f"MERCATO_{role}_SECRET_ACCESS_KEY"],
        config=Config(retries={"max_attempts": 1}),
    )


def check(name, cond, detail=""):
    if not cond:
        print(f"FAIL {name}: {detail}")
        sys.exit(1)
    print(f"ok {name}")


def refusal(fn, **kw):
    """The error code, HTTP status and message fn(**kw) is refused with; (None, 200, "") if it is not."""
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"].get("Message", "")
    return None, 200, ""
