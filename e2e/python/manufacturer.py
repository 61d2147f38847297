"""A product's maker searches for the resale a channel partner made of it with boto3's
marketplace-agreement client (PartyType Manufacturer), describes it without the buyer's price,
and is refused its terms. Prints one "ok <name>" line per check and exits non-zero on the first
failure."""

import os

from harness import check, client, refusal

AGREEMENT = os.environ["MERCATO_AGREEMENT"]
PARTNER = os.environ["MERCATO_PARTNER_ACCOUNT"]


def search(c, *filters):
    out = c.search_agreements(catalog="AWSMarketplace", filters=[{"name": n, "values": [v]} for n, v in filters])
    return [s["agreementId"] for s in out["agreementViewSummaries"]], out["agreementViewSummaries"]


def main():
    maker = client("marketplace-agreement", "MAKER")

    ids, summaries = search(maker, ("PartyType", "Manufacturer"))
    check("search as Manufacturer", ids == [AGREEMENT], ids)
    check("the partner is the proposer", summaries[0]["proposer"]["accountId"] == PARTNER, summaries[0]["proposer"])
    ids, _ = search(maker, ("PartyType", "Manufacturer"), ("Status", "ACTIVE"))
    check("search as Manufacturer with a status", ids == [AGREEMENT], ids)
    ids, _ = search(maker, ("PartyType", "Proposer"))
    check("none of the partner's as Proposer", ids == [], ids)

    got = maker.describe_agreement(agreementId=AGREEMENT)
    check("describe without the buyer's price", got["proposer"]["accountId"] == PARTNER and "estimatedCharges" not in got, got)

    code, status, _ = refusal(maker.get_agreement_terms, agreementId=AGREEMENT)
    check("terms refused", (code, status) == ("ResourceNotFoundException", 404), (code, status))


if __name__ == "__main__":
    main()
