"""A product's maker searches for the resale a channel partner made of it with boto3's
marketplace-agreement client (PartyType Manufacturer), describes it without the buyer's price,
and is refused its terms. Prints one "ok <name>" line per check and exits non-zero on the first
failure."""

import os
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

URL = os.environ["MERCATO_URL"]
AGREEMENT = os.environ["MERCATO_AGREEMENT"]
PARTNER = os.environ["MERCATO_PARTNER_ACCOUNT"]


def client(role):
    return boto3.client(
        "marketplace-agreement",
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


def search(c, *filters):
    out = c.search_agreements(catalog="AWSMarketplace", filters=[{"name": n, "values": [v]} for n, v in filters])
    return [s["agreementId"] for s in out["agreementViewSummaries"]], out["agreementViewSummaries"]


def main():
    maker = client("MAKER")

    ids, summaries = search(maker, ("PartyType", "Manufacturer"))
    check("search as Manufacturer", ids == [AGREEMENT], ids)
    check("the partner is the proposer", summaries[0]["proposer"]["accountId"] == PARTNER, summaries[0]["proposer"])
    ids, _ = search(maker, ("PartyType", "Manufacturer"), ("Status", "ACTIVE"))
    check("search as Manufacturer with a status", ids == [AGREEMENT], ids)
    ids, _ = search(maker, ("PartyType", "Proposer"))
    check("none of the partner's as Proposer", ids == [], ids)

    got = maker.describe_agreement(agreementId=AGREEMENT)
    check("describe without the buyer's price", got["proposer"]["accountId"] == PARTNER and "estimatedCharges" not in got, got)

    try:
        maker.get_agreement_terms(agreementId=AGREEMENT)
        code = None
    except ClientError as e:
        code = e.response["Error"]["Code"]
    check("terms refused", code == "ResourceNotFoundException", code)


if __name__ == "__main__":
    main()
